package io.taclog.sink.transcript;

import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.TokenUsage;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * One row per API response: the first sighting inserts, later sightings (the other lines of the same
 * response, a second copy of the transcript) replace the usage only when theirs is larger, and fill in
 * a recorded time and a request id. Costs come from the price table; an unknown model gets a NULL
 * cost and one warning event, never $0.
 */
public final class ApiCallWriter implements FactWriter<ApiCallObserved> {

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
    public void write(ApiCallObserved c, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(c.stream(), c.at(), c.timeSource(), ctx);
        String key = c.dedupKey();
        PreparedStatement find = ctx.statement("SELECT call_id, request_id, COALESCE(tokens_total, 0), time_source "
                + "FROM api_calls WHERE dedup_key = ?");
        for (int attempt = 0; attempt < 2; attempt++) {
            find.setString(1, key);
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    break;
                }
                String storedRequest = rs.getString(2);
                if (storedRequest != null && c.requestId() != null && !storedRequest.equals(c.requestId())
                        && attempt == 0) {
                    key = key + ":" + c.requestId(); // same message id, different request: another call
                    continue;
                }
                update(rs.getLong(1), rs.getLong(3), rs.getString(4), storedRequest, c, ctx);
                return;
            }
        }
        insert(worker, key, c, ctx);
        supersedeCoordinatorEstimate(worker, ctx);
    }

    private void insert(String worker, String key, ApiCallObserved c, WriteContext ctx) throws SQLException {
        TokenUsage u = c.usage();
        CostEstimate est = prices.estimate(c.model(), u);
        if (!est.known() && !u.isZero()) {
            UnknownModels.warnOnce(c.model(), worker, c.at(), prices.version(), ctx);
        }
        PreparedStatement ps = ctx.statement("INSERT INTO api_calls(worker_id, timestamp, model, provider, "
                + "tokens_input, tokens_output, tokens_total, tokens_cached_read, tokens_cached_write, "
                + "estimated_cost_usd, success, error_message, error_code, dedup_key, message_id, request_id, "
                + "tokens_cache_write_5m, tokens_cache_write_1h, price_version, priced_as, long_context, time_source, "
                + "is_sidechain, agent_session_id, source, source_file_id, source_offset) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
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
        ps.executeUpdate();
    }

    private void update(long callId, long storedTotal, String storedTimeSource, String storedRequest,
                        ApiCallObserved c, WriteContext ctx) throws SQLException {
        TokenUsage u = c.usage();
        if (u.total() > storedTotal) {
            // keep the whole larger sighting, not a per-field maximum: the model can change mid-stream
            CostEstimate est = prices.estimate(c.model(), u);
            PreparedStatement ps = ctx.statement("UPDATE api_calls SET model = ?, tokens_input = ?, tokens_output = ?, "
                    + "tokens_total = ?, tokens_cached_read = ?, tokens_cached_write = ?, tokens_cache_write_5m = ?, "
                    + "tokens_cache_write_1h = ?, estimated_cost_usd = ?, price_version = ?, priced_as = ?, "
                    + "long_context = ?, success = ?, error_message = COALESCE(?, error_message) WHERE call_id = ?");
            ps.setString(1, c.model() == null ? "unknown" : c.model());
            ps.setLong(2, u.input());
            ps.setLong(3, u.output());
            ps.setLong(4, u.total());
            ps.setLong(5, u.cacheRead());
            ps.setLong(6, u.cacheWrite());
            ps.setLong(7, u.cacheWrite5m());
            ps.setLong(8, u.cacheWrite1h());
            setDouble(ps, 9, est.costUsd());
            ps.setString(10, est.priceVersion());
            ps.setString(11, est.pricedAs());
            ps.setBoolean(12, est.longContext());
            ps.setBoolean(13, c.success());
            ps.setString(14, c.errorMessage());
            ps.setLong(15, callId);
            ps.executeUpdate();
        }
        boolean betterTime = TimeSource.RECORDED.equals(c.timeSource())
                && !TimeSource.RECORDED.equals(storedTimeSource);
        if (betterTime || storedRequest == null && c.requestId() != null) {
            PreparedStatement ps = ctx.statement("UPDATE api_calls SET timestamp = CASE WHEN ? THEN ? ELSE timestamp "
                    + "END, time_source = CASE WHEN ? THEN ? ELSE time_source END, "
                    + "request_id = COALESCE(request_id, ?) WHERE call_id = ?");
            ps.setBoolean(1, betterTime);
            ps.setString(2, Times.format(c.at()));
            ps.setBoolean(3, betterTime);
            ps.setString(4, c.timeSource());
            ps.setString(5, c.requestId());
            ps.setLong(6, callId);
            ps.executeUpdate();
        }
    }

    /** The coordinator's own per-run estimate is replaced by the transcript's per-call rows. */
    private static void supersedeCoordinatorEstimate(String worker, WriteContext ctx) throws SQLException {
        String key = "superseded-api-log:" + worker;
        if (ctx.txCache().putIfAbsent(key, Boolean.TRUE) != null) {
            return;
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
