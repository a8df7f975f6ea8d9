package io.taclog.sink.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.WorkerStatusChanged;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerEnds;
import io.taclog.sink.workers.WorkerStatuses;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's end or status change (TAC-8's reaper line, a {@code worker_status_change} event). The exit
 * code is always kept; the process's status only moves to a stronger one ({@link WorkerStatuses}) and is kept
 * apart from the transcript's end, the worker's visible status being derived from both ({@link WorkerEnds}): an
 * exit 0 does not undo a transcript's completed or failed result, whether it is read before or after it; a non-zero
 * exit makes the worker failed even after a successful result. A status that arrives before
 * its worker's spawn waits in {@code deferred_facts} and is applied when the spawn arrives. Only an end sets
 * {@code exit_source}, and a structured {@code worker_status_change} event is stronger than the log's reaper
 * line: once an event ended the worker, a reaper line read later (or earlier) changes neither that source nor
 * its exit code.
 */
public final class WorkerStatusWriter implements FactWriter<WorkerStatusChanged> {

    @Override
    public Class<WorkerStatusChanged> type() {
        return WorkerStatusChanged.class;
    }

    @Override
    public void write(WorkerStatusChanged s, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT task_id FROM worker_sessions WHERE worker_id = ?");
        ps.setString(1, s.workerId());
        String task;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                defer(ctx, s);
                return;
            }
            task = rs.getString(1); // NULL for a worker no task claims: the status still applies
        }
        apply(ctx, s, task);
    }

    private static void apply(WriteContext ctx, WorkerStatusChanged s, String task) throws SQLException {
        boolean failed = "failed".equals(s.status());
        boolean ended = failed || "exited".equals(s.status()) || "completed".equals(s.status());
        // the stronger status wins (WorkerStatuses) and the earlier end time, whichever fact came first; they make the
        // process's end, which the transcript's end joins only in the derived visible columns (WorkerEnds)
        // the exit's source is an end's: the structured event over the log's reaper line, whichever came first
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET exit_code = CASE WHEN exit_source = '"
                + Sources.EVENT + "' AND ?7 IS DISTINCT FROM '" + Sources.EVENT + "' THEN COALESCE(exit_code, ?1) "
                + "ELSE COALESCE(?1, exit_code) END, "
                + WorkerStatuses.moveTo("process_status", "?2") + ", "
                + "process_completed_at = CASE WHEN ?3 = 1 AND ?4 = 0 THEN "
                + WorkerStatuses.earlier("process_completed_at", "?5") + " ELSE process_completed_at END, "
                + "process_failed_at = CASE WHEN ?4 = 1 THEN " + WorkerStatuses.earlier("process_failed_at", "?5")
                + " ELSE process_failed_at END, "
                + "process_failure_reason = COALESCE(process_failure_reason, ?6), exit_source = CASE WHEN ?3 = 0 OR "
                + "exit_source = '" + Sources.EVENT + "' THEN exit_source ELSE COALESCE(?7, exit_source) END "
                + "WHERE worker_id = ?8");
        Sql.integer(ps, 1, s.exitCode());
        ps.setString(2, s.status());
        ps.setBoolean(3, ended);
        ps.setBoolean(4, failed);
        ps.setString(5, Sql.at(s.when()));
        Sql.text(ps, 6, s.failureReason());
        Sql.text(ps, 7, s.source());
        ps.setString(8, s.workerId());
        ps.executeUpdate();
        WorkerEnds.derive(ctx, s.workerId());
        if (ended) {
            Estimates.register(ctx, "worker_sessions", s.workerId(),
                    failed ? "process_failed_at" : "process_completed_at", s.when());
            SpawnLoops.maybeClose(ctx, task, s.when());
        }
    }

    private static void defer(WriteContext ctx, WorkerStatusChanged s) throws SQLException {
        PreparedStatement ps =
                ctx.statement("INSERT INTO deferred_facts(kind, subject_id, payload, source, source_key, "
                + "created_at) VALUES ('worker_status', ?, ?, ?, ?, ?)");
        ps.setString(1, s.workerId());
        ps.setString(2, JsonObj.of().put("status", s.status()).put("exit_code", s.exitCode())
                .put("failure_reason", s.failureReason()).put("at", Sql.at(s.when()))
                .put("time_source", s.when().timeSource()).put("key", s.key()).json());
        ps.setString(3, s.source());
        Sql.text(ps, 4, s.key());
        ps.setString(5, Sql.at(s.when()));
        ps.executeUpdate();
    }

    /** Applies status changes that named the worker before its spawn was read. */
    void applyDeferred(WriteContext ctx, String worker) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT deferred_id, payload, source FROM deferred_facts WHERE kind = "
                + "'worker_status' AND subject_id = ? ORDER BY deferred_id");
        ps.setString(1, worker);
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        String task = Sql.one(ctx, "SELECT task_id FROM worker_sessions WHERE worker_id = ?", worker);
        for (Object[] r : rows) {
            JsonNode p;
            try {
                p = LineClassifier.JSON.readTree((String) r[1]);
            } catch (IOException e) {
                throw new SQLException("deferred fact " + r[0] + " is not JSON", e);
            }
            Stamp when = new Stamp(Times.parseOrNull(p.path("at").asText()), p.path("time_source").asText(), false);
            apply(ctx, new WorkerStatusChanged(p.path("key").asText(null), worker, when, p.path("status").asText(),
                    p.hasNonNull("exit_code") ? p.get("exit_code").asInt() : null,
                            p.path("failure_reason").asText(null),
                    (String) r[2]), task);
            Sql.update(ctx, "DELETE FROM deferred_facts WHERE deferred_id = ?", r[0]);
        }
    }
}
