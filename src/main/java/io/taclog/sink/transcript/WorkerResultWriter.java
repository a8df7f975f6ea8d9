package io.taclog.sink.transcript;

import io.taclog.model.ModelUsage;
import io.taclog.model.Times;
import io.taclog.model.WorkerResultReported;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.sink.workers.WorkerStatuses;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The run's own totals from its final result line: reported cost, durations, turns and per-model usage
 * (including models that never appear on an assistant line). A later result line of the stream (or another
 * copy of it) fills what the earlier left empty and raises the totals; it never clears or lowers them.
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
        // a copy of the line without a figure (NULL) never clears one; the run's totals only grow; the status
        // only moves to a stronger one (WorkerStatuses); the earlier end time wins; an error result's reason
        // replaces a reaper's (the exit code keeps what the reaper said); an error result, like the failed status,
        // is kept: a later successful line changes neither result_is_error nor the error's subtype
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET "
                + grow("reported_cost_usd", 1) + ", " + grow("duration_ms", 2) + ", " + grow("duration_api_ms", 3)
                + ", " + grow("num_turns", 4) + ", result_subtype = CASE WHEN result_is_error = 1 AND ?6 = 0 THEN "
                + "result_subtype ELSE COALESCE(?5, result_subtype) END, "
                + "result_is_error = MAX(COALESCE(result_is_error, 0), ?6), result_text = COALESCE(?7, result_text), "
                + "result_usage = COALESCE(?8, result_usage), api_error_status = COALESCE(?9, api_error_status), "
                + WorkerStatuses.moveTo("CASE WHEN ?10 = 1 THEN 'failed' ELSE 'completed' END") + ", "
                + "completed_at = CASE WHEN ?11 = 1 THEN completed_at ELSE " + WorkerStatuses.earlier("completed_at", "?12")
                + " END, failed_at = CASE WHEN ?13 = 1 THEN " + WorkerStatuses.earlier("failed_at", "?14")
                + " ELSE failed_at END, "
                + "failure_reason = CASE WHEN ?15 = 1 THEN ?16 ELSE failure_reason END "
                + "WHERE worker_id = ?17");
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
        ps.setBoolean(10, r.isError());
        ps.setBoolean(11, r.isError());
        ps.setString(12, at);
        ps.setBoolean(13, r.isError());
        ps.setString(14, at);
        ps.setBoolean(15, r.isError());
        ps.setString(16, "transcript result: " + r.subtype()
                + (r.apiErrorStatus() != null ? " (API status " + r.apiErrorStatus() + ")" : ""));
        ps.setString(17, worker);
        ps.executeUpdate();
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
