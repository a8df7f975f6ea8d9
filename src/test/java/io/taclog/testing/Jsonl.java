package io.taclog.testing;

import java.nio.charset.StandardCharsets;

/** Test lines: small JSON objects naming their stream ({@code src}) and sequence number ({@code seq}). */
public final class Jsonl {

    private Jsonl() {
    }

    /** {@code {"src":"a","seq":3}} without a newline. */
    public static String record(String src, long seq) {
        return "{\"src\":\"" + src + "\",\"seq\":" + seq + "}";
    }

    /** A whole line ({@code \n}-terminated) for (src, seq). */
    public static byte[] line(String src, long seq) {
        return (record(src, seq) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A whole line of exactly {@code totalBytes} bytes, newline included (padded with a "pad" field). */
    public static byte[] line(String src, long seq, int totalBytes) {
        return (padded(src, seq, totalBytes - 1) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON object of exactly {@code contentBytes} ASCII bytes. */
    public static String padded(String src, long seq, int contentBytes) {
        String head = "{\"src\":\"" + src + "\",\"seq\":" + seq + ",\"pad\":\"";
        String tail = "\"}";
        int pad = contentBytes - head.length() - tail.length();
        if (pad < 0) {
            throw new IllegalArgumentException("a record for " + src + "/" + seq + " needs at least "
                    + (head.length() + tail.length()) + " bytes");
        }
        return head + "x".repeat(pad) + tail;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
