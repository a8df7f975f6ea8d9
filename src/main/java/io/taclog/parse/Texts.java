package io.taclog.parse;

import io.taclog.source.Hashes;
import java.nio.charset.StandardCharsets;

/** Small text helpers for conversation rows. */
public final class Texts {

    /** Characters of a tool input or output kept in the {@code content} column (full value in its own column). */
    public static final int PREVIEW_CHARS = 2000;

    private Texts() {
    }

    public static String preview(String s) {
        if (s == null) {
            return "";
        }
        if (s.length() <= PREVIEW_CHARS) {
            return s;
        }
        return s.substring(0, PREVIEW_CHARS) + "\n... [" + (s.length() - PREVIEW_CHARS) + " more characters]";
    }

    /** Short content hash for natural keys. */
    public static String hash(String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        return Hashes.sha256Prefix(b, 0, b.length, 8);
    }
}
