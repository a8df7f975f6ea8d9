package io.taclog.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.Map;

/** Finds a string (a value or a field name) with half of a UTF-16 surrogate pair in a parsed JSON tree. */
final class LoneSurrogates {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private LoneSurrogates() {
    }

    /**
     * Whether the raw line has a {@code \\uD800}-{@code \\uDFFF} escape at all: the tree is walked only then.
     * Every line passes here, so backslashes are looked for eight bytes at a time (a tenth of the parsing
     * thread's time when it went byte by byte).
     */
    static boolean mayBeEscapedIn(byte[] b) {
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long x = (long) LONGS.get(b, i) ^ BACKSLASHES;
            long hits = (x - ONES) & ~x & HIGH_BITS; // the lowest set bit is exact; higher ones are checked below
            while (hits != 0) {
                if (surrogateEscapeAt(b, i + (Long.numberOfTrailingZeros(hits) >>> 3))) {
                    return true;
                }
                hits &= hits - 1;
            }
        }
        for (; i < b.length; i++) {
            if (surrogateEscapeAt(b, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean surrogateEscapeAt(byte[] b, int i) {
        if (i + 3 >= b.length || b[i] != '\\' || b[i + 1] != 'u' || (b[i + 2] != 'd' && b[i + 2] != 'D')) {
            return false;
        }
        byte c = b[i + 3];
        return c >= '8' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    static boolean in(JsonNode node) {
        if (node.isTextual()) {
            return in(node.asText());
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (in(e.getKey()) || in(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (in(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean in(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
