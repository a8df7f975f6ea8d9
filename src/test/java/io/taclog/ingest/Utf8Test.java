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

    @Test
    void findsAFlawAtAnyPositionOfALongAsciiRun() {
        for (int len = 1; len < 40; len++) {
            for (int at = 0; at < len; at++) {
                byte[] line = new byte[len];
                java.util.Arrays.fill(line, (byte) 'x');
                line[at] = (byte) 0xFF;
                assertEquals(at, Utf8.firstInvalid(line), "flaw at " + at + " of " + len);
                line[at] = (byte) 0xC3; // a lead byte: valid only with its continuation
                assertEquals(at, Utf8.firstInvalid(line), "a lead byte without its continuation at " + at);
            }
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        java.util.Random r = new java.util.Random(11);
        java.nio.charset.CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder();
        for (int n = 0; n < 20_000; n++) {
            byte[] line = new byte[r.nextInt(60)];
            for (int i = 0; i < line.length; i++) {
                line[i] = (byte) (r.nextInt(10) == 0 ? r.nextInt(256) : 'a' + r.nextInt(26));
            }
            boolean jdkValid;
            try {
                strict.decode(java.nio.ByteBuffer.wrap(line));
                jdkValid = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdkValid = false;
            }
            assertEquals(jdkValid, Utf8.firstInvalid(line) < 0, java.util.Arrays.toString(line));
        }
    }
}
