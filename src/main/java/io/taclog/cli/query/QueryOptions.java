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

    /** Read-only connection; never starts Camel. */
    public Connection open() {
        return ReadOnlyDb.open(db.path());
    }

    public ZoneId zone() {
        return tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
    }

    public Format format() {
        return format;
    }
}
