package io.taclog.maintenance;

/** A backup that was not started because its input is wrong (exit 2): nothing was written. */
public final class BackupRefused extends RuntimeException {

    public BackupRefused(String message) {
        super(message);
    }
}
