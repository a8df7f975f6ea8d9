package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.parse.Texts;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hashes are part of stored keys (file identity, natural keys of text blocks): they must never change. */
class HashesTest {

    @Test
    void valuesStayWhatDatabasesAlreadyHold() {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        // SHA-256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e", Hashes.shortSha256(hello, 0, hello.length));
        assertEquals("2cf24dba5fb0a30e", Texts.hash("hello"));
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Hashes.sha256Hex(hello));
        assertEquals(Hashes.shortSha256(hello, 1, 3), Hashes.shortSha256("ell".getBytes(StandardCharsets.UTF_8), 0, 3),
                "a slice hashes as the same bytes on their own");
        // the empty string (SHA-256 e3b0c442...)
        assertEquals("e3b0c44298fc1c14", Texts.hash(""));
        assertEquals("e3b0c44298fc1c14", Texts.hash(null));
    }
}
