package io.taclog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Strict UTF-8: what Java's decoder would silently replace is reported with its position. */
class Utf8Test {

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void acceptsValidTextOfEveryLength() {
        assertEquals(-1, Utf8.firstInvalid("plain ascii, é, €, 𝄞".getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, Utf8.firstInvalid(new byte[0]));
    }

    @Test
    void reportsTheFirstInvalidSequence() {
        assertEquals(1, Utf8.firstInvalid(b('a', 0xFF, 'b')), "a byte that never occurs in UTF-8");
        assertEquals(0, Utf8.firstInvalid(b(0xC0, 0x80)), "overlong encoding of NUL");
        assertEquals(0, Utf8.firstInvalid(b(0xE0, 0x80, 0x80)), "overlong three-byte form");
        assertEquals(0, Utf8.firstInvalid(b(0xED, 0xA0, 0x80)), "a UTF-16 surrogate");
        assertEquals(0, Utf8.firstInvalid(b(0xF4, 0x90, 0x80, 0x80)), "above U+10FFFF");
        assertEquals(2, Utf8.firstInvalid(b('a', 'b', 0xE2, 0x82)), "a sequence cut at the end");
        assertEquals(0, Utf8.firstInvalid(b(0xC3, 'a')), "a lead byte without its continuation");
        assertEquals(0, Utf8.firstInvalid(b(0x80)), "a lone continuation byte");
    }
}
