package io.taclog.sink;

/**
 * Writer connection tuning.
 *
 * @param busyTimeoutMillis how long SQLite itself waits for a lock before reporting busy
 * @param retryInitialMillis first back-off after a busy error (doubles up to {@code retryMaxMillis})
 * @param cacheKib page cache of the writer connection
 * @param pageSize page size of a database file this writer creates (an existing file keeps its own)
 * @param conversations the split layout's conversations file ({@link ConversationsFile}), or null: the database's
 *     own choice (a split database names its file itself, a single-file database stays one file)
 */
public record DatabaseSettings(int busyTimeoutMillis, long retryInitialMillis, long retryMaxMillis, int cacheKib,
                               int pageSize, java.nio.file.Path conversations) {

    public DatabaseSettings(int busyTimeoutMillis, long retryInitialMillis, long retryMaxMillis, int cacheKib,
                            int pageSize) {
        this(busyTimeoutMillis, retryInitialMillis, retryMaxMillis, cacheKib, pageSize, null);
    }

    /** The page size of new databases, unless {@code taclog.db.page-size} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 16384;

    public static DatabaseSettings defaults() {
        return new DatabaseSettings(5000, 50, 5000, 16 * 1024, DEFAULT_PAGE_SIZE);
    }
}
