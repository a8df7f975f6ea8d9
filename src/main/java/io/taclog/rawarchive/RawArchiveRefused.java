package io.taclog.rawarchive;

/**
 * A raw-archive run or read refused before it changed anything: a directory that cannot be used, an archive without a
 * manifest, a corrupt segment, a segment name taken by other bytes, an archive that does not fit the database. The
 * command line reports it as a usage error (exit 2).
 */
public final class RawArchiveRefused extends RuntimeException {

    public RawArchiveRefused(String message) {
        super(message);
    }

    public RawArchiveRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
