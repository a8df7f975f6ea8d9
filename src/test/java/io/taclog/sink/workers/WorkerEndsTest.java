package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import io.taclog.model.WorkerResultReported;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.model.coordinator.WorkerStatusChanged;
import io.taclog.parse.PathMap;
import io.taclog.schema.Migrator;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.WriteContext;
import io.taclog.sink.coordinator.DerivedRules;
import io.taclog.sink.coordinator.WorkerSpawnWriter;
import io.taclog.sink.coordinator.WorkerStatusWriter;
import io.taclog.sink.transcript.WorkerResultWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule that makes a worker's visible end from its process's end and its transcript's end ({@link WorkerEnds}):
 * every combination of the two, with the process ending before and after the transcript, first as the rule alone
 * over a row, then through the real writers with the coordinator's and the transcript's facts arriving in every order.
 */
class WorkerEndsTest {

    private static final String EARLY = "2025-11-05T09:10:00.000Z";
    private static final String LATE = "2025-11-05T09:20:00.000Z";
    private static final String EXIT_REASON = "exited with status 1";
    private static final String ERROR_REASON = "transcript result: error_max_turns";

    /** The process's end: its status by the coordinator (null: spawned, never ended), exit code, reason. */
    private record ProcessEnd(String status, Integer exitCode, String reason) {
        @Override
        public String toString() {
            return status == null ? "no exit" : status + (exitCode == null ? "" : " (exit " + exitCode + ")");
        }
    }

    /** The transcript's end: null status for none, else its result line's {@code is_error}. */
    private record ResultEnd(String status) {
        boolean error() {
            return "failed".equals(status);
        }

        @Override
        public String toString() {
            return status == null ? "no result" : status + " result";
        }
    }

    private static final List<ProcessEnd> PROCESS_ENDS = List.of(new ProcessEnd(null, null, null),
            new ProcessEnd("exited", 0, null), new ProcessEnd("failed", 1, EXIT_REASON),
            new ProcessEnd("completed", 0, null));
    private static final List<ResultEnd> RESULT_ENDS = List.of(new ResultEnd(null), new ResultEnd("completed"),
            new ResultEnd("failed"));

    @TempDir
    Path tmp;

    /** The rule as the docs state it: the stronger status, each end time the earlier, the transcript's error first. */
    private static List<Object> expected(ProcessEnd p, String processAt, ResultEnd r, String resultAt,
                                         boolean active) {
        List<String> order = List.of("spawned", "running", "exited", "completed", "failed");
        String processStatus = p.status() == null ? "spawned" : p.status();
        String status = r.status() != null && order.indexOf(r.status()) > order.indexOf(processStatus) ? r.status()
                : processStatus;
        if ("spawned".equals(status) && active) {
            status = "running"; // its stream has shown activity
        }
        String processCompleted = "exited".equals(p.status()) || "completed".equals(p.status()) ? processAt : null;
        String processFailed = "failed".equals(p.status()) ? processAt : null;
        String completedAt = "completed".equals(r.status()) ? earlier(processCompleted, resultAt) : processCompleted;
        String failedAt = "failed".equals(r.status()) ? earlier(processFailed, resultAt) : processFailed;
        String reason = r.error() ? ERROR_REASON : p.reason();
        return List.of(status, String.valueOf(completedAt), String.valueOf(failedAt), String.valueOf(reason));
    }

    private static String earlier(String a, String b) {
        return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    }

    @Test
    void theVisibleEndOfEveryCombinationOfTheTwoEnds() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE worker_sessions (worker_id TEXT, status TEXT, completed_at TEXT, failed_at TEXT, "
                    + "failure_reason TEXT, process_status TEXT, process_completed_at TEXT, process_failed_at TEXT, "
                    + "process_failure_reason TEXT, result_status TEXT, result_at TEXT, result_reason TEXT, "
                    + "first_activity_at TEXT, last_activity_at TEXT)");
            int n = 0;
            for (ProcessEnd p : PROCESS_ENDS) {
                for (ResultEnd r : RESULT_ENDS) {
                    for (int flags = 0; flags < 4; flags++) {
                        boolean processFirst = (flags & 1) == 0;
                        boolean active = (flags & 2) != 0;
                        String processAt = processFirst ? EARLY : LATE;
                        String resultAt = processFirst ? LATE : EARLY;
                        String id = "w-" + ++n;
                        try (PreparedStatement ins = c.prepareStatement("INSERT INTO worker_sessions(worker_id, "
                                + "status, process_status, process_completed_at, process_failed_at, "
                                + "process_failure_reason, result_status, result_at, result_reason, last_activity_at) "
                                + "VALUES (?,'-',?,?,?,?,?,?,?,?)")) {
                            ins.setString(1, id);
                            ins.setString(2, p.status() == null ? "spawned" : p.status());
                            ins.setString(3, "failed".equals(p.status()) || p.status() == null ? null : processAt);
                            ins.setString(4, "failed".equals(p.status()) ? processAt : null);
                            ins.setString(5, p.reason());
                            ins.setString(6, r.status());
                            ins.setString(7, r.status() == null ? null : resultAt);
                            ins.setString(8, r.error() ? ERROR_REASON : null);
                            ins.setString(9, active ? EARLY : null);
                            ins.executeUpdate();
                        }
                        s.executeUpdate("UPDATE worker_sessions SET " + WorkerEnds.DERIVE + " WHERE worker_id = '"
                                + id + "'");
                        assertEquals(expected(p, processAt, r, resultAt, active), visible(c, id), p + ", " + r
                                + (processFirst ? ", the process ending first" : ", the transcript ending first")
                                + (active ? ", the stream active" : ""));
                        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM worker_sessions WHERE worker_id = '"
                                + id + "' AND " + WorkerEnds.STALE)) {
                            rs.next();
                            assertEquals(0, rs.getInt(1), "a derived row is not stale");
                        }
                    }
                }
            }
        }
    }

    @Test
    void theTwoEndsInEveryOrderOfArrivalGiveTheRuleSEnd() throws Exception {
        Path file = tmp.resolve("t.db");
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            Migrator.migrate(db);
            WorkerLinker linker = new WorkerLinker();
            WorkerStatusWriter statuses = new WorkerStatusWriter();
            WorkerSpawnWriter spawns = new WorkerSpawnWriter(linker, DerivedRules.defaults(), statuses, PathMap.NONE);
            WorkerResultWriter results = new WorkerResultWriter(linker);
            int n = 0;
            for (ProcessEnd p : PROCESS_ENDS) {
                for (ResultEnd r : RESULT_ENDS) {
                    for (boolean processFirst : new boolean[] {true, false}) {
                        String processAt = processFirst ? EARLY : LATE;
                        String resultAt = processFirst ? LATE : EARLY;
                        Map<String, List<Object>> byOrder = new LinkedHashMap<>();
                        for (String order : List.of("spawn exit result", "spawn result exit", "result spawn exit",
                                "exit spawn result", "exit result spawn")) {
                            final int id = ++n;
                            String worker = String.format("w-%06x", id);
                            String task = "gh-" + id;
                            String log = "/logs/" + task + ".jsonl";
                            for (String step : order.split(" ")) {
                                WriteContext.transaction(db, Instant.parse("2025-11-05T10:00:00Z"), ctx -> {
                                    switch (step) {
                                        case "spawn" -> spawns.write(new WorkerSpawned("spawn-" + id, "ses-1", worker,
                                                task, Stamp.recorded(Instant.parse("2025-11-05T09:00:00Z")), 4000,
                                                "/trees/" + task, "auto/" + worker, null, log, null, null,
                                                Sources.EVENT, true), ctx);
                                        case "exit" -> {
                                            if (p.status() != null) {
                                                statuses.write(new WorkerStatusChanged("exit-" + id, worker,
                                                        Stamp.recorded(Instant.parse(processAt)), p.status(),
                                                        p.exitCode(), p.reason(), Sources.EVENT), ctx);
                                            }
                                        }
                                        default -> {
                                            if (r.status() != null) {
                                                results.write(new WorkerResultReported(new StreamRef(String.format(
                                                        "00000000-0000-4000-8000-%012d", id), "claude-code", log,
                                                        worker, task), Instant.parse(resultAt), TimeSource.RECORDED,
                                                        0.25, 1000.0, 800.0, 4, r.error() ? "error_max_turns"
                                                                : "success", r.error(), "ok", null, List.of(), null),
                                                        ctx);
                                            }
                                        }
                                    }
                                    return null;
                                });
                            }
                            byOrder.put(order, visible(file, worker));
                        }
                        String what = p + ", " + r + (processFirst ? ", the process ending first"
                                : ", the transcript ending first");
                        for (Map.Entry<String, List<Object>> e : byOrder.entrySet()) {
                            assertEquals(expected(p, processAt, r, resultAt, false), e.getValue(), what + "; read in the "
                                    + "order " + e.getKey());
                        }
                    }
                }
            }
        }
    }

    private static List<Object> visible(Connection c, String worker) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, completed_at, failed_at, failure_reason FROM "
                + "worker_sessions WHERE worker_id = ?")) {
            ps.setString(1, worker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<Object> out = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    out.add(String.valueOf(rs.getString(i)));
                }
                return out;
            }
        }
    }

    private static List<Object> visible(Path file, String worker) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return visible(c, worker);
        }
    }
}
