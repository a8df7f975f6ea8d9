package io.taclog.cli;

import io.taclog.app.Databases;
import io.taclog.archive.ArchiveViews;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.sink.dialect.PostgresTarget;
import io.taclog.schema.Migrations;
import io.taclog.sink.ConversationsSpool;
import io.taclog.sink.FreshLoad;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.sink.SqliteErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the database read-only for commands that only look (queries, files, validate), with clear
 * errors for a missing, locked or newer database.
 */
public final class ReadOnlyDb {

    private ReadOnlyDb() {
    }

    public static Connection open(Path db) {
        return open(db, false);
    }

    /**
     * As {@link #open(Path)}; with {@code includeArchives}, archived months are attached and their tables seen
     * through TEMP views of the same names ({@link ArchiveViews}), so every query reads them unchanged. The connection
     * is then one read transaction.
     */
    public static Connection open(Path db, boolean includeArchives) {
        if (PostgresTarget.isPostgres(db)) { // credentials from the environment only: see open(TaclogConfig, ...)
            return openPostgres(PostgresTarget.of(db, "", null, "", System.getenv()), includeArchives);
        }
        Connection c = plain(db);
        if (includeArchives) {
            includeArchives(c, db);
        }
        return c;
    }

    /** The database of {@code config} (SQLite file or PostgreSQL, credentials from the configuration too). */
    public static Connection open(TaclogConfig config, boolean includeArchives) {
        if (Databases.isPostgres(config)) {
            return openPostgres(Databases.postgres(config), includeArchives);
        }
        return open(config.get(ConfigKeys.DB), includeArchives);
    }

    /** A read-only connection to a PostgreSQL database, with the same checks of the schema as for a file. */
    public static Connection openPostgres(PostgresTarget target, boolean includeArchives) {
        if (includeArchives) {
            throw Databases.SqliteOnly.command("--include-archives");
        }
        Connection c = null;
        try {
            c = target.connect(true);
            checkVersion(c, target.url());
            return c;
        } catch (SQLException e) {
            close(c);
            throw new CliException(Main.FAILURE, "cannot open database " + target.url() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private static void checkVersion(Connection c, Object db) throws SQLException {
        int version = Migrations.readVersion(c);
        if (version > Migrations.latestVersion()) {
            throw new CliException(Main.FAILURE, "database " + db + " has schema version " + version
                    + ", newer than this taclog supports (" + Migrations.latestVersion() + "); upgrade taclog");
        }
        if (version == 0) {
            throw new CliException(Main.FAILURE, "database " + db + " is not a taclog database (no schema)");
        }
        if (version < Migrations.latestVersion()) {
            throw new CliException(Main.FAILURE, "database " + db + " has schema version " + version
                    + "; run `taclog migrate --db " + db + "` first");
        }
    }

    /** Attaches the archived months to an open connection ({@link ArchiveViews}); closes it on failure. */
    public static java.util.List<ArchiveViews.Attached> includeArchives(Connection c, Path db) {
        try {
            return ArchiveViews.attach(c, db);
        } catch (SQLException e) {
            close(c);
            throw new CliException(Main.FAILURE, "cannot include the archives of " + db + ": " + e.getMessage(), e);
        }
    }

    private static Connection plain(Path db) {
        if (!Files.exists(db) && Files.exists(FreshLoad.loadingPath(db))) {
            throw new CliException(Main.FAILURE, "database " + db + " does not exist yet: a first backfill is "
                    + "building it (as " + FreshLoad.loadingPath(db) + ") and it appears when that load ends");
        }
        if (!Files.exists(db)) {
            throw new CliException(Main.FAILURE, "database " + db + " does not exist (run `taclog backfill` or "
                    + "`taclog run` first, or pass --db)");
        }
        Connection c = null;
        try {
            c = ReadOnlyDatabase.open(db, 5000);
            checkVersion(c, db);
            return c;
        } catch (SQLException e) {
            close(c);
            if (SqliteErrors.isBusy(e)) {
                throw new CliException(Main.FAILURE, "database " + db + " is locked by another process; try again", e);
            }
            throw new CliException(Main.FAILURE, "cannot open database " + db + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    /**
     * Split layout: a line on {@code err} when conversation content waits in the main file's spool for the
     * conversations disk (docs/storage.md, "When the second disk goes away"). The spool holds blocks that are not
     * rows yet (their order, de-duplication and tool pairing are made when they are stored), so answers leave them
     * out and say so rather than show half-made rows.
     */
    public static void noteSpool(Connection c, java.io.PrintWriter err) {
        try {
            String away = io.taclog.sink.ConversationsStandIn.install(c);
            if (away != null) {
                err.println("note: the conversations file " + away + " cannot be read (its disk is away?): this "
                        + "answer leaves out conversation content (messages, tool calls, search)");
                err.flush();
            }
        } catch (SQLException e) {
            // a note only: the query itself says what is wrong with the database
        }
        try {
            ConversationsSpool.State s = ConversationsSpool.state(c);
            if (s != null && s.rows() > 0) {
                err.println("note: " + s.rows() + " conversation rows are waiting for the conversations disk (spooled "
                        + "since " + s.since() + "); they are not in this answer");
                err.flush();
            }
        } catch (SQLException e) {
            // a note only: the query itself says what is wrong with the database
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }
}
