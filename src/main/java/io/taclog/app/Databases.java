package io.taclog.app;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.sink.Database;
import io.taclog.sink.dialect.PostgresTarget;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where {@code taclog.db} points: a SQLite file (the default) or a PostgreSQL database (a {@code jdbc:postgresql:}
 * URL). The one place that decides it; everything after works through {@link Database} and its dialect.
 */
public final class Databases {

    private Databases() {
    }

    public static boolean isPostgres(TaclogConfig config) {
        return PostgresTarget.isPostgres(config.get(ConfigKeys.DB));
    }

    /** The PostgreSQL database of {@code config}, credentials from the environment or the password file. */
    public static PostgresTarget postgres(TaclogConfig config) {
        return postgres(config, System.getenv());
    }

    static PostgresTarget postgres(TaclogConfig config, Map<String, String> env) {
        return PostgresTarget.of(config.get(ConfigKeys.DB), config.get(ConfigKeys.DB_USER),
                config.get(ConfigKeys.DB_PASSWORD_FILE).orElse(null), config.get(ConfigKeys.HOST_ID), env);
    }

    /**
     * Opens the database for writing (not migrated yet). For PostgreSQL, the keys that only a SQLite file can have
     * are refused first ({@link SqliteOnly}).
     */
    public static Database openWriter(TaclogConfig config) throws SQLException {
        return openWriter(config, false);
    }

    /**
     * As {@link #openWriter(TaclogConfig)}; with {@code mayStartAway} (the sidecar), a split layout whose conversations
     * disk is away opens without it and spools (docs/storage.md).
     */
    public static Database openWriter(TaclogConfig config, boolean mayStartAway) throws SQLException {
        if (isPostgres(config)) {
            SqliteOnly.refuseFor(config);
            return Database.openPostgres(postgres(config), IngestRuntime.databaseSettings(config));
        }
        return Database.open(config.get(ConfigKeys.DB), IngestRuntime.databaseSettings(config), mayStartAway);
    }

    /** What taclog cannot do on PostgreSQL yet, refused up front with the key that asks for it. */
    public static final class SqliteOnly extends IllegalArgumentException {
        SqliteOnly(String message) {
            super(message);
        }

        /** Throws for a configuration of a PostgreSQL database that switches on a SQLite-only feature. */
        public static void refuseFor(TaclogConfig config) {
            if (config.get(ConfigKeys.DB_CONVERSATIONS).isPresent()) {
                throw new SqliteOnly("taclog.db.conversations (the split layout) is SQLite-only: leave it empty "
                        + "for a PostgreSQL database");
            }
            if (config.get(ConfigKeys.ARCHIVE_ENABLED)) {
                throw new SqliteOnly("taclog.archive.enabled: monthly archives are SQLite-only for now");
            }
            if (config.get(ConfigKeys.RAW_ARCHIVE_ENABLED)) {
                throw new SqliteOnly("taclog.raw-archive.enabled: the raw JSONL archive is SQLite-only for now");
            }
            if (config.get(ConfigKeys.OUTBOX_ENABLED)) {
                throw new SqliteOnly("taclog.outbox.enabled: the outbox is SQLite-only for now");
            }
        }

        /** A command that works on a SQLite file only, asked of a PostgreSQL database. */
        public static SqliteOnly command(String what) {
            return new SqliteOnly(what + " is not supported on PostgreSQL yet (SQLite only; docs/operations.md, "
                    + "\"PostgreSQL\")");
        }
    }
}
