package io.taclog.archive;

/**
 * An archive run that was not started because its input is wrong (a malformed, running, too recent or empty month,
 * a target that holds something else, a directory that cannot be written): exit 2, and nothing was changed.
 */
public final class ArchiveRefused extends RuntimeException {

    private final boolean nothingToArchive;

    public ArchiveRefused(String message) {
        this(message, false);
    }

    private ArchiveRefused(String message, boolean nothingToArchive) {
        super(message);
        this.nothingToArchive = nothingToArchive;
    }

    /** The month has no rows, or none that can leave the database yet: not a problem for the daily check. */
    static ArchiveRefused nothingToArchive(String message) {
        return new ArchiveRefused(message, true);
    }

    public boolean nothingToArchive() {
        return nothingToArchive;
    }
}
