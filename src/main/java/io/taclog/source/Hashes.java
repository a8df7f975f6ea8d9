package io.taclog.source;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short content hashes used for file identity and offset markers. */
public final class Hashes {

    private Hashes() {
    }

    /** First 16 bytes of SHA-256 over {@code bytes[off, off+len)}, as 32 hex characters. */
    public static String shortSha256(byte[] bytes, int off, int len) {
        MessageDigest md = sha256();
        md.update(bytes, off, len);
        byte[] d = md.digest();
        return HexFormat.of().formatHex(d, 0, 16);
    }

    /** Full SHA-256 as hex. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
