package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.model.Times;
import io.taclog.schema.Migrator;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Which worker is running?" A worker the coordinator runs is active until the coordinator ends it; a session
 * seen only in its transcript has nobody to end it, so it is active while its transcript is written and idle
 * once silent longer than --idle-after (a backfill of last month's sessions has no active worker).
 */
class ActiveWorkersIT {

    @TempDir
    Path tmp;
    Path db;
    final Instant now = Instant.now();

    @BeforeEach
    void workers() throws Exception {
        db = tmp.resolve("taclog.db");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d);
        }
        Sql.exec(db, "INSERT INTO coordinator_sessions(session_id, started_at) VALUES ('s', '2026-01-01T00:00:00.000Z')",
                "INSERT INTO tasks(task_id, session_id, detected_at, source, status) VALUES ('gh-1', 's', "
                        + "'2026-01-01T00:00:00.000Z', 'github', 'active')",
                worker("coordinator-quiet", "gh-1", "coordinator", now.minus(Duration.ofHours(3))),
                worker("session-writing", null, "transcript", now.minus(Duration.ofMinutes(5))),
                worker("session-of-last-week", null, "transcript", now.minus(Duration.ofDays(7))));
    }

    private static String worker(String id, String task, String origin, Instant lastActivity) {
        return "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status, origin, "
                + "last_activity_at) VALUES ('" + id + "', 's', " + (task == null ? "NULL" : "'" + task + "'") + ", '"
                + Times.format(lastActivity.minusSeconds(60)) + "', 'running', '" + origin + "', '"
                + Times.format(lastActivity) + "')";
    }

    private List<Object> active(Duration idleAfter, boolean includeIdle) throws Exception {
        try (Connection c = Sql.connect(db)) {
            return new WorkersQuery(c).active(now, idleAfter, includeIdle).stream().map(r -> r.get("worker_id"))
                    .toList();
        }
    }

    @Test
    void aTranscriptOnlySessionSilentLongerThanTheIdleTimeIsNotActive() throws Exception {
        assertEquals(List.of("coordinator-quiet", "session-writing"), active(Duration.ofMinutes(60), false),
                "the coordinator's worker stays listed however quiet: that is how a stuck one shows");
        assertEquals(List.of("session-of-last-week", "coordinator-quiet", "session-writing"),
                active(Duration.ofMinutes(60), true));
        assertEquals(List.of("coordinator-quiet"), active(Duration.ofMinutes(1), false));
        try (Connection c = Sql.connect(db)) {
            assertEquals(1, new WorkersQuery(c).idle(now, Duration.ofMinutes(60)));
        }
    }

    @Test
    void theCommandSaysHowManyItLeftOut() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(Main.OK, Main.run(new String[] {"query", "workers", "--active", "--db", db.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("session-writing") && !table.contains("session-of-last-week"), table);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("1 transcript-only session(s) silent for over 60 "
                + "minutes are idle and not listed (--include-idle lists them)"), err.toString(StandardCharsets.UTF_8));
        Map<String, Object> stuck = Sql.rows(db, "SELECT status FROM worker_sessions WHERE worker_id = "
                + "'session-of-last-week'").get(0);
        assertEquals("running", stuck.get("status"), "a query changes nothing: idle is how the answer reads it");
    }
}
