package io.taclog.sink.transcript;

import io.taclog.model.ModelUsage;
import io.taclog.model.Times;
import io.taclog.model.WorkerResultReported;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The run's own totals from its final result line: reported cost, durations, turns and per-model usage
 * (including models that never appear on an assistant line). The latest result line of a stream wins.
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
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET reported_cost_usd = ?, duration_ms = ?, "
                + "duration_api_ms = ?, num_turns = ?, result_subtype = ?, result_is_error = ?, result_text = ?, "
                + "result_usage = ?, api_error_status = ?, "
                + "status = CASE WHEN status IN ('spawned', 'running') THEN (CASE WHEN ? THEN 'failed' "
                + "ELSE 'completed' END) ELSE status END, "
                + "completed_at = CASE WHEN ? THEN completed_at ELSE COALESCE(completed_at, ?) END, "
                + "failed_at = CASE WHEN ? THEN COALESCE(failed_at, ?) ELSE failed_at END, "
                + "failure_reason = CASE WHEN ? THEN COALESCE(failure_reason, ?) ELSE failure_reason END "
                + "WHERE worker_id = ?");
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

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }
}
