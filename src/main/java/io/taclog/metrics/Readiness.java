package io.taclog.metrics;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * /health/ready: the database answers a read-only query, every route Camel was asked to start is started, and
 * the writer is not stuck ({@link WriterProgress}). Each check is cheap: a fresh read-only connection (so a
 * removed or unreadable file is noticed, which a connection held open would not) and in-memory state.
 */
final class Readiness {

    /** The answer: ready or not, and each check's status and detail, in a stable order. */
    record Report(boolean ready, Map<String, Check> checks) {
    }

    record Check(boolean up, String detail) {
    }

    /** How long the database check waits for a lock or a slow disk before it counts as unreachable. */
    static final int DB_TIMEOUT_SECONDS = 2;

    private final DatabaseReaders db;
    private final BooleanSupplier routesStarted;
    private final WriterProgress progress;

    Readiness(Path db, BooleanSupplier routesStarted, WriterProgress progress) {
        this(DatabaseReaders.sqlite(db, DB_TIMEOUT_SECONDS * 1000), routesStarted, progress);
    }

    Readiness(DatabaseReaders db, BooleanSupplier routesStarted, WriterProgress progress) {
        this.db = db;
        this.routesStarted = routesStarted;
        this.progress = progress;
    }

    Report check() {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("database", database());
        boolean started = routesStarted.getAsBoolean();
        checks.put("routes", new Check(started, started ? "all started" : "not all routes are started"));
        WriterProgress.Verdict v = progress.check();
        checks.put("writer", new Check(!v.stuck(), v.detail()));
        return new Report(checks.values().stream().allMatch(Check::up), checks);
    }

    private Check database() {
        try (Connection c = db.open();
             Statement st = c.createStatement()) {
            st.setQueryTimeout(DB_TIMEOUT_SECONDS);
            // reads the schema (and on SQLite its page): a bare SELECT 1 would succeed without touching the file
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                rs.next();
            }
            return new Check(true, "reachable");
        } catch (SQLException | RuntimeException e) {
            return new Check(false, String.valueOf(e.getMessage()));
        }
    }
}
