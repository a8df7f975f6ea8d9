package io.taclog.sink;

/**
 * Writer connection tuning.
 *
 * @param busyTimeoutMillis how long SQLite itself waits for a lock before reporting busy
 * @param retryInitialMillis first back-off after a busy error (doubles up to {@code retryMaxMillis})
 * @param cacheKib page cache of the writer connection
 */
public record DatabaseSettings(int busyTimeoutMillis, long retryInitialMillis, long retryMaxMillis, int cacheKib) {

    public static DatabaseSettings defaults() {
        return new DatabaseSettings(5000, 50, 5000, 16 * 1024);
    }
}
