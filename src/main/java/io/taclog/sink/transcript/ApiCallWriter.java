package io.taclog.sink.transcript;

import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.Fact;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.TokenUsage;
import io.taclog.sink.BatchPlanner;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * One row per API response: the first sighting inserts, later sightings (the other lines of the same
 * response, a second copy of the transcript) replace the usage only when theirs is larger, and fill in
 * a recorded time and a request id. Costs come from the price table; an unknown model gets a NULL
 * cost and one warning event, never $0.
 */
public final class ApiCallWriter implements FactWriter<ApiCallObserved>, BatchPlanner {

    private final ApiCallSightings sightings = new ApiCallSightings();

    private static final String BETTER_TIME = "excluded.time_source = 'recorded' AND api_calls.time_source <> 'recorded'";

    /**
     * One statement per sighting: a new response inserts; a known one keeps the whole larger sighting (not a
     * per-field maximum: the model can change mid-stream), gains a recorded time over an observed one and a
     * request id where it had none. A stored request id that differs means another call that reused the
     * message id: nothing is updated (the WHERE of the upsert) and the call is stored under a key of its own.
     */
    private static final String UPSERT = "INSERT INTO api_calls(worker_id, timestamp, model, provider, "
            + "tokens_input, tokens_output, tokens_total, tokens_cached_read, tokens_cached_write, "
            + "estimated_cost_usd, success, error_message, error_code, dedup_key, message_id, request_id, "
            + "tokens_cache_write_5m, tokens_cache_write_1h, price_version, priced_as, long_context, time_source, "
            + "is_sidechain, agent_session_id, source, source_file_id, source_offset) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            + "ON CONFLICT(dedup_key) DO UPDATE SET "
            + larger("model") + larger("tokens_input") + larger("tokens_output") + larger("tokens_cached_read")
            + larger("tokens_cached_write") + larger("tokens_cache_write_5m") + larger("tokens_cache_write_1h")
            + larger("estimated_cost_usd") + larger("price_version") + larger("priced_as") + larger("long_context")
            + larger("success")
            + "error_message = CASE WHEN excluded.tokens_total > COALESCE(api_calls.tokens_total, 0) "
            + "THEN COALESCE(excluded.error_message, api_calls.error_message) ELSE api_calls.error_message END, "
            + "timestamp = CASE WHEN " + BETTER_TIME + " THEN excluded.timestamp ELSE api_calls.timestamp END, "
            + "time_source = CASE WHEN " + BETTER_TIME + " THEN excluded.time_source ELSE api_calls.time_source END, "
            + "request_id = COALESCE(api_calls.request_id, excluded.request_id), "
            // last: every expression above reads the stored total, not this new one
            + "tokens_total = MAX(COALESCE(api_calls.tokens_total, 0), excluded.tokens_total) "
            + "WHERE api_calls.request_id IS NULL OR excluded.request_id IS NULL "
            + "OR api_calls.request_id = excluded.request_id";

    private static String larger(String column) {
        // the stored row named by its table: PostgreSQL reads a bare name in an upsert as ambiguous
        return column + " = CASE WHEN excluded.tokens_total > COALESCE(api_calls.tokens_total, 0) THEN excluded."
                + column + " ELSE api_calls." + column + " END, ";
    }

    private final WorkerLinker linker;
    private final PriceTable prices;

    public ApiCallWriter(WorkerLinker linker, PriceTable prices) {
        this.linker = linker;
        this.prices = prices;
    }

    @Override
    public Class<ApiCallObserved> type() {
        return ApiCallObserved.class;
    }

    @Override
    public Map<Fact, Fact> plan(List<Fact> facts) {
        return sightings.plan(facts);
    }

    @Override
    public void write(ApiCallObserved c, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(c.stream(), c.at(), c.timeSource(), ctx);
        TokenUsage u = c.usage();
        CostEstimate est = ctx.pricedInRoute(c);
        if (est == null) {
            est = prices.estimate(c.model(), u); // the route has no priceCalls step, or the line is stored alone
        }
        if (upsert(worker, c.dedupKey(), c, est, ctx) == 0 && c.requestId() != null) {
            // same message id, another request: another call
            upsert(worker, c.dedupKey() + ":" + c.requestId(), c, est, ctx);
        }
        if (!est.known() && !u.isZero()) {
            UnknownModels.warnOnce(c.model(), worker, c.at(), prices.version(), ctx);
        }
        supersedeCoordinatorEstimate(worker, ctx);
    }

    private int upsert(String worker, String key, ApiCallObserved c, CostEstimate est, WriteContext ctx)
            throws SQLException {
        TokenUsage u = c.usage();
        PreparedStatement ps = ctx.statement(UPSERT);
        ps.setString(1, worker);
        ps.setString(2, Times.format(c.at()));
        ps.setString(3, c.model() == null ? "unknown" : c.model());
        ps.setString(4, c.provider());
        ps.setLong(5, u.input());
        ps.setLong(6, u.output());
        ps.setLong(7, u.total());
        ps.setLong(8, u.cacheRead());
        ps.setLong(9, u.cacheWrite());
        setDouble(ps, 10, est.costUsd());
        ps.setBoolean(11, c.success());
        ps.setString(12, c.errorMessage());
        ps.setString(13, c.errorCode());
        ps.setString(14, key);
        ps.setString(15, c.messageId());
        ps.setString(16, c.requestId());
        ps.setLong(17, u.cacheWrite5m());
        ps.setLong(18, u.cacheWrite1h());
        ps.setString(19, est.priceVersion());
        ps.setString(20, est.pricedAs());
        ps.setBoolean(21, est.longContext());
        ps.setString(22, c.timeSource());
        ps.setBoolean(23, c.sidechain());
        ps.setString(24, c.stream().agentSessionId());
        ps.setString(25, c.source());
        if (ctx.line() == null) {
            ps.setNull(26, Types.INTEGER);
            ps.setNull(27, Types.INTEGER);
        } else {
            ps.setLong(26, ctx.line().fileId());
            ps.setLong(27, ctx.line().offset());
        }
        return ps.executeUpdate();
    }

    /** The coordinator's own per-run estimate is replaced by the transcript's per-call rows. */
    private static void supersedeCoordinatorEstimate(String worker, WriteContext ctx) throws SQLException {
        String key = "superseded-api-log:" + worker;
        if (ctx.txCache().putIfAbsent(key, Boolean.TRUE) != null || WorkerLinker.fresh(worker, ctx)) {
            return; // done in this transaction, or a worker made in it, which no API log row names yet
        }
        PreparedStatement ps = ctx.statement(
                "DELETE FROM api_calls WHERE worker_id = ? AND source = 'coordinator-api-log'");
        ps.setString(1, worker);
        ps.executeUpdate();
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }
}
