package io.taclog.source;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short content hashes used for file identity, offset markers and natural keys. */
public final class Hashes {

    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread, reset by each use: looking one up costs more than hashing a short text. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashes::sha256);

    private Hashes() {
    }

    /** First 16 bytes of SHA-256 over {@code bytes[off, off+len)}, as 32 hex characters. */
    public static String shortSha256(byte[] bytes, int off, int len) {
        return sha256Prefix(bytes, off, len, 16);
    }

    /** The first {@code prefixBytes} bytes of SHA-256 over {@code bytes[off, off+len)}, as hex. */
    public static String sha256Prefix(byte[] bytes, int off, int len, int prefixBytes) {
        MessageDigest md = DIGEST.get();
        md.reset();
        md.update(bytes, off, len);
        return HEX.formatHex(md.digest(), 0, prefixBytes);
    }

    /** Full SHA-256 as hex. */
    public static String sha256Hex(byte[] bytes) {
        MessageDigest md = DIGEST.get();
        md.reset();
        return HEX.formatHex(md.digest(bytes));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }
}
