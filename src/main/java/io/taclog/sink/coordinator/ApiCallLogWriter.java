package io.taclog.sink.coordinator;

import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.model.TokenUsage;
import io.taclog.model.coordinator.ApiCallLogged;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * A line of the coordinator's API-call log: one {@code api_calls} row with source
 * {@code coordinator-api-log}, priced with taclog's price table (not the coordinator's), but only while
 * the worker has no rows from its transcript, which are per-call and supersede it (the transcript
 * writer deletes these rows when its calls arrive). Its natural key keeps a line read twice from
 * counting twice. The start of the call is the coordinator's recorded start of the worker.
 */
public final class ApiCallLogWriter implements FactWriter<ApiCallLogged> {

    private final WorkerLinker linker;
    private final PriceTable prices;

    public ApiCallLogWriter(WorkerLinker linker, PriceTable prices) {
        this.linker = linker;
        this.prices = prices;
    }

    @Override
    public Class<ApiCallLogged> type() {
        return ApiCallLogged.class;
    }

    @Override
    public void write(ApiCallLogged c, WriteContext ctx) throws SQLException {
        String known = Sql.one(ctx, "SELECT worker_id FROM worker_sessions WHERE worker_id = ?", c.workerId());
        if (known == null) {
            String session = Sessions.latest(ctx);
            if (session == null) {
                session = Sessions.QUEUE_ONLY;
            }
            Stamp when = new Stamp(c.startedAt(), c.timeSource(), false);
            Sessions.ensure(ctx, session, when, Sources.API_LOG);
            Tasks.ensure(ctx, c.taskId(), session, when, Sources.API_LOG);
            // the API logger's record of a worker: it names the coordinator's worker id and its start
            linker.coordinatorWorker(new WorkerLinker.CoordinatorWorker(c.workerId(), session, c.taskId(),
                    c.startedAt(), c.timeSource(), null, null, RepoPaths.branch(c.workerId()), c.promptFile(), null,
                    "spawned"), ctx);
        }
        if (Sql.one(ctx, "SELECT 1 FROM api_calls WHERE worker_id = ? AND COALESCE(source, '') <> ? LIMIT 1",
                c.workerId(), Sources.API_LOG) != null) {
            return; // the transcript's per-call rows are the truth for this worker
        }
        boolean counted = c.tokensInput() != null || c.tokensOutput() != null;
        TokenUsage u = new TokenUsage(c.tokensInput() == null ? 0 : c.tokensInput(),
                c.tokensOutput() == null ? 0 : c.tokensOutput(), 0, 0, 0);
        CostEstimate est = counted && c.model() != null ? prices.estimate(c.model(), u)
                : CostEstimate.unknown(prices.version());
        PreparedStatement ps =
                ctx.statement("INSERT INTO api_calls(worker_id, timestamp, model, provider, tokens_input, "
                + "tokens_output, tokens_total, estimated_cost_usd, duration_ms, tokens_per_second, success, "
                + "error_message, error_code, dedup_key, price_version, priced_as, long_context, time_source, source, "
                + "source_file_id, source_offset) VALUES (?,?,?,'anthropic',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                + "ON CONFLICT(dedup_key) DO NOTHING");
        ps.setString(1, c.workerId());
        ps.setString(2, Sql.at(new Stamp(c.startedAt(), c.timeSource(), false)));
        ps.setString(3, c.model() == null ? "unknown" : c.model());
        Sql.bigint(ps, 4, c.tokensInput());
        Sql.bigint(ps, 5, c.tokensOutput());
        Sql.bigint(ps, 6, counted ? u.total() : null);
        Sql.real(ps, 7, est.costUsd());
        Sql.real(ps, 8, c.durationSeconds() == null ? null : c.durationSeconds() * 1000);
        Sql.real(ps, 9, c.tokensPerSecond());
        Sql.bool(ps, 10, c.success());
        Sql.text(ps, 11, c.errorMessage());
        Sql.text(ps, 12, c.exitCode() == null ? null : "exit " + c.exitCode());
        ps.setString(13, c.dedupKey());
        Sql.text(ps, 14, est.priceVersion());
        Sql.text(ps, 15, est.pricedAs());
        ps.setBoolean(16, est.longContext());
        ps.setString(17, c.timeSource());
        ps.setString(18, Sources.API_LOG);
        if (ctx.line() == null) {
            ps.setNull(19, Types.INTEGER);
            ps.setNull(20, Types.INTEGER);
        } else {
            ps.setLong(19, ctx.line().fileId());
            ps.setLong(20, ctx.line().offset());
        }
        ps.executeUpdate();
    }
}
