package io.taclog.cli.query;

import io.taclog.cli.DbOption;
import io.taclog.cli.Format;
import io.taclog.cli.ReadOnlyDb;
import java.sql.Connection;
import java.time.ZoneId;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every query command has: database, output format, time zone of dates. */
public final class QueryOptions {

    @Mixin
    DbOption db;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: table).")
    Format format;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of dates and days (default: this machine's).")
    String tz;

    @Option(names = "--timing", description = "Print the time the database query took to stderr.")
    boolean timing;

    @Option(names = "--include-archives", description = "Also read the months moved to archive files by "
            + "`taclog archive` (docs/storage.md, \"Archives\").")
    boolean includeArchives;

    /** Work whose duration --timing reports. */
    public interface Query<T> {
        T run() throws Exception;
    }

    /** Runs a query, reporting its duration on stderr with --timing. */
    public <T> T timed(java.io.PrintWriter err, Query<T> q) throws Exception {
        long t0 = System.nanoTime();
        T result = q.run();
        if (timing) {
            err.printf("query time: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        }
        return result;
    }

    /** The database named by --db or the configuration (a file, or a PostgreSQL URL). */
    public java.nio.file.Path database() {
        return db.path();
    }

    /** Read-only connection (with the archives attached when asked); never starts Camel. */
    public Connection open() {
        return db.openReadOnly(includeArchives);
    }

    /**
     * As {@link #open()}, and says on {@code err} when conversation content waits in the split layout's spool (its
     * disk is away, docs/storage.md): those rows are not in any answer until the sidecar stored them.
     */
    public Connection open(java.io.PrintWriter err) {
        Connection c = open();
        ReadOnlyDb.noteSpool(c, err);
        return c;
    }

    public ZoneId zone() {
        return tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
    }

    public Format format() {
        return format;
    }
}
