package io.taclog.schema;

import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.sink.DeferredIndexes;
import io.taclog.sink.dialect.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered migrations in order, each in its own transaction, and refuses a database made
 * by a newer taclog.
 */
public final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    /** All migrations shipped with this build, in order. */
    public static final List<Migration> MIGRATIONS = Migrations.ALL;

    public static int latestVersion() {
        return Migrations.latestVersion();
    }

    /** Thrown when the database was written by a newer taclog than this one. */
    public static final class NewerSchemaException extends SQLException {
        public NewerSchemaException(int found, int supported) {
            super("database schema version " + found + " is newer than this taclog supports (" + supported
                    + "); upgrade taclog");
        }
    }

    private Migrator() {
    }

    /** Applies pending migrations up to {@code target}; returns the versions applied. */
    public static List<Integer> migrate(Database db, int target) throws SQLException {
        List<Integer> applied = new ArrayList<>();
        // read under the schema lock: another sidecar may be migrating the same database right now
        int current = db.write(c -> {
            db.dialect().lockSchema(c);
            return currentVersion(c);
        });
        if (current > latestVersion()) {
            throw new NewerSchemaException(current, latestVersion());
        }
        if (current < Math.min(target, latestVersion()) && db.conversationsAway()) {
            // a migration may change the conversations file's tables: both files must be there
            throw new io.taclog.sink.ConversationsFileRefused("the database needs schema migrations (version "
                    + current + " to " + Math.min(target, latestVersion()) + ") and its conversations file "
                    + db.conversationsPath() + " is away; mount that disk and start again");
        }
        if (current < Math.min(target, latestVersion()) && db.withWriter(DeferredIndexes::anyPending)) {
            DeferredIndexes.build(db); // a migration sees the whole schema, not one a bulk load thinned out
        }
        for (Migration m : MIGRATIONS) {
            if (m.version() <= current || m.version() > target) {
                continue;
            }
            boolean appliedHere = db.write(c -> {
                db.dialect().lockSchema(c);
                if (currentVersion(c) >= m.version()) {
                    return false; // another sidecar applied it meanwhile
                }
                apply(c, m);
                return true;
            });
            if (!appliedHere) {
                continue;
            }
            LOG.info("applied migration {} ({})", m.version(), m.description());
            applied.add(m.version());
        }
        if (target >= latestVersion()) {
            db.settleConversations(); // the split layout moves the conversations once the schema is complete
        }
        return applied;
    }

    /** Runs one migration's statements and records its version, in the caller's transaction. */
    private static void apply(Connection c, Migration m) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String stmt : statements(load(Dialect.of(c).migrationResource(m.resource())))) {
                s.execute(stmt);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO schema_version(version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setString(3, Times.format(Instant.now()));
            ps.executeUpdate();
        }
    }

    /**
     * Builds the whole schema, every migration, in an empty database on a plain connection, in the caller's
     * transaction: an archive file gets the very tables, indexes and views of the database it is cut from
     * (docs/storage.md, "Archives"), without the writer's WAL and checkpointer that {@link #migrate} comes with.
     */
    public static void createSchema(Connection c) throws SQLException {
        if (currentVersion(c) != 0) {
            throw new SQLException("createSchema needs an empty database");
        }
        for (Migration m : MIGRATIONS) {
            apply(c, m);
        }
    }

    public static List<Integer> migrate(Database db) throws SQLException {
        return migrate(db, latestVersion());
    }

    /** The schema version of a database (0 if it has none yet); creates the version table if missing. */
    public static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                    + "description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Reads the version of a database opened read-only (0 if it has no version table). */
    public static int readVersion(Connection c) throws SQLException {
        return Migrations.readVersion(c);
    }

    static String load(String resource) {
        try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration resource missing: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits a script into statements at ';' ending a line; '--' comments are dropped. A trigger's body holds
     * statements of its own, so a SQLite {@code CREATE TRIGGER ... BEGIN} ends only at the line that ends with
     * {@code END;}, and a PostgreSQL function body between {@code $$} ends only after its closing {@code $$}.
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inDollarQuote = false;
        for (String line : script.split("\n")) {
            String code = inDollarQuote ? line : stripComment(line);
            if (code.isBlank() && !inDollarQuote) {
                continue;
            }
            cur.append(code).append('\n');
            for (int i = code.indexOf("$$"); i >= 0; i = code.indexOf("$$", i + 2)) {
                inDollarQuote = !inDollarQuote;
            }
            String end = code.stripTrailing();
            String upper = cur.toString().stripLeading().toUpperCase(java.util.Locale.ROOT);
            boolean inTrigger = upper.startsWith("CREATE TRIGGER") && upper.matches("(?s).*\\bBEGIN\\b.*");
            if (!inDollarQuote && end.endsWith(";")
                    && (!inTrigger || end.toUpperCase(java.util.Locale.ROOT).endsWith("END;"))) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean inString = false;
        for (int i = 0; i < line.length() - 1; i++) {
            char ch = line.charAt(i);
            if (ch == '\'') {
                inString = !inString;
            } else if (!inString && ch == '-' && line.charAt(i + 1) == '-') {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
