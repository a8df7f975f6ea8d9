package io.taclog.sink.transcript;

import io.taclog.model.ModelUsage;
import io.taclog.model.Times;
import io.taclog.model.WorkerResultReported;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerEnds;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The run's own totals from its final result line: reported cost, durations, turns and per-model usage
 * (including models that never appear on an assistant line). A later result line of the stream (or another
 * copy of it) fills what the earlier left empty and raises the totals; it never clears or lowers them. The run's
 * end is the transcript's own ({@link WorkerEnds}); the worker's status is derived from it and the process's end.
 */
public final class WorkerResultWriter implements FactWriter<WorkerResultReported> {

    private final WorkerLinker linker;

    public WorkerResultWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<WorkerResultReported> type() {
        return WorkerResultReported.class;
    }

    @Override
    public void write(WorkerResultReported r, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(r.stream(), r.at(), r.timeSource(), ctx);
        String at = Times.format(r.at());
        // a copy of the line without a figure (NULL) never clears one; the run's totals only grow; an error result is
        // kept: a later successful line changes neither result_is_error nor the error's subtype. The line's end goes
        // to the transcript's own end (WorkerEnds), never into the worker's status directly: the stream may be linked
        // to the wrong spawn yet, and a merged status could not be moved to the right one
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET "
                + grow("reported_cost_usd", 1) + ", " + grow("duration_ms", 2) + ", " + grow("duration_api_ms", 3)
                + ", " + grow("num_turns", 4) + ", result_subtype = CASE WHEN result_is_error = 1 AND ?6 = 0 THEN "
                + "result_subtype ELSE COALESCE(?5, result_subtype) END, "
                + "result_is_error = MAX(COALESCE(result_is_error, 0), ?6), result_text = COALESCE(?7, result_text), "
                + "result_usage = COALESCE(?8, result_usage), api_error_status = COALESCE(?9, api_error_status), "
                + WorkerEnds.addResult("?10", "?11", "?12") + " WHERE worker_id = ?13");
        setDouble(ps, 1, r.totalCostUsd());
        setDouble(ps, 2, r.durationMs());
        setDouble(ps, 3, r.durationApiMs());
        if (r.numTurns() == null) {
            ps.setNull(4, Types.INTEGER);
        } else {
            ps.setInt(4, r.numTurns());
        }
        ps.setString(5, r.subtype());
        ps.setBoolean(6, r.isError());
        ps.setString(7, r.resultText());
        ps.setString(8, r.usageJson());
        if (r.apiErrorStatus() == null) {
            ps.setNull(9, Types.INTEGER);
        } else {
            ps.setInt(9, r.apiErrorStatus());
        }
        ps.setString(10, r.isError() ? "failed" : "completed");
        ps.setString(11, at);
        if (r.isError()) {
            ps.setString(12, "transcript result: " + r.subtype()
                    + (r.apiErrorStatus() != null ? " (API status " + r.apiErrorStatus() + ")" : ""));
        } else {
            ps.setNull(12, Types.VARCHAR);
        }
        ps.setString(13, worker);
        ps.executeUpdate();
        WorkerEnds.derive(ctx, worker);
        if (r.modelUsage().isEmpty()) {
            return; // a result without per-model usage keeps what an earlier copy reported
        }
        PreparedStatement del = ctx.statement("DELETE FROM worker_model_usage WHERE worker_id = ?");
        del.setString(1, worker);
        del.executeUpdate();
        for (ModelUsage m : r.modelUsage()) {
            PreparedStatement ins = ctx.statement("INSERT INTO worker_model_usage(worker_id, model, tokens_input, "
                    + "tokens_output, tokens_cached_read, tokens_cached_write, web_search_requests, reported_cost_usd, "
                    + "context_window) VALUES (?,?,?,?,?,?,?,?,?)");
            ins.setString(1, worker);
            ins.setString(2, m.model());
            ins.setLong(3, m.input());
            ins.setLong(4, m.output());
            ins.setLong(5, m.cacheRead());
            ins.setLong(6, m.cacheWrite());
            ins.setLong(7, m.webSearches());
            setDouble(ins, 8, m.costUsd());
            if (m.contextWindow() == null) {
                ins.setNull(9, Types.INTEGER);
            } else {
                ins.setLong(9, m.contextWindow());
            }
            ins.executeUpdate();
        }
    }

    /** SQL for a number of the run that only grows: the larger of the old value and parameter {@code i}. */
    private static String grow(String column, int i) {
        return column + " = MAX(COALESCE(?" + i + ", " + column + "), COALESCE(" + column + ", ?" + i + "))";
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }
}
