package io.taclog.cli;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --db} and {@code --config} for commands that only read the database. */
public final class DbOption {

    @Option(names = "--db", paramLabel = "PATH",
            description = "SQLite database (default: taclog.db or taclog.db of --config).")
    Path db;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (for taclog.db).")
    Path config;

    public Path path() {
        if (db != null) {
            return db;
        }
        TaclogConfig c = TaclogConfig.load(Optional.ofNullable(config), Map.of());
        return c.get(ConfigKeys.DB);
    }

    /** A read-only connection to the database (a file, or PostgreSQL with the configuration's credentials). */
    public java.sql.Connection openReadOnly(boolean includeArchives) {
        if (io.taclog.sink.dialect.PostgresTarget.isPostgres(path())) {
            return ReadOnlyDb.open(load(), includeArchives);
        }
        return ReadOnlyDb.open(path(), includeArchives);
    }

    /** The whole configuration ({@code --config}, with {@code --db} winning), for commands that also write. */
    public TaclogConfig load() {
        return TaclogConfig.load(Optional.ofNullable(config),
                db == null ? Map.of() : Map.of(ConfigKeys.DB.name(), db.toString()));
    }
}
