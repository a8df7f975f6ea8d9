package io.taclog.sink.transcript;

import io.taclog.enrich.pairing.BatchToolPairing;
import io.taclog.model.ConversationBlock;
import io.taclog.model.TimeSource;
import io.taclog.model.ToolLatency;
import io.taclog.model.Times;
import io.taclog.sink.ConversationsSpool;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Stores conversation blocks once per (worker, natural key), in arrival order, and pairs tool results
 * with their calls by tool_use id whichever arrives first. A copy of a block from a file that carries
 * timestamps replaces an observed time with the recorded one.
 */
public final class ConversationWriter implements FactWriter<ConversationBlock> {

    /** Natural-key prefixes of a tool call and of its result (the parsers' dedup keys). */
    private static final String CALL = "tu:";
    private static final String RESULT = "tr:";

    private final WorkerLinker linker;

    public ConversationWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<ConversationBlock> type() {
        return ConversationBlock.class;
    }

    @Override
    public void write(ConversationBlock b, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(b.stream(), b.at(), b.timeSource(), ctx);
        ConversationsSpool spool = ctx.conversationsSpool();
        if (spool != null) { // the conversations file is away: the block waits, linked to its worker, and is
            spool.add(worker, b, ctx); // stored by store() below once the file is back (ConversationsSpool)
            return;
        }
        store(worker, b, ctx);
    }

    /**
     * Stores a block of a worker: the row, its pairing with a stored call or result, a recorded time for an observed
     * one. Also what replays the conversations spool when the split layout's file is back.
     */
    public void store(String worker, ConversationBlock b, WriteContext ctx) throws SQLException {
        String toolName = b.toolName();
        Double latency = null;
        boolean callFound = false;
        if ("tool_result".equals(b.contentType()) && b.toolUseId() != null) {
            BatchToolPairing.Pair inBatch = ctx.pairedInRoute(b);
            if (inBatch != null) { // the route's pairToolCalls step found the call in this batch
                callFound = true;
                toolName = toolName != null ? toolName : inBatch.toolName();
                latency = inBatch.latencyMs();
            } else {
                StoredCall call = storedCall(worker, b.toolUseId(), ctx);
                if (call != null) {
                    callFound = true;
                    toolName = toolName != null ? toolName : call.name();
                    latency = latency(call.at(), call.timeSource(), b.at(), b.timeSource());
                }
            }
        }
        int index = nextIndex(worker, ctx);
        PreparedStatement ins = ctx.statement("INSERT INTO conversations(worker_id, message_index, timestamp, role, "
                + "content, content_type, tool_name, tool_input, tool_output, tool_success, dedup_key, tool_use_id, "
                + "tool_latency_ms, is_sidechain, parent_tool_use_id, message_id, model, time_source, "
                + "agent_session_id, source_file_id, source_offset) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                + "ON CONFLICT(worker_id, dedup_key) DO NOTHING");
        ins.setString(1, worker);
        ins.setInt(2, index);
        ins.setString(3, Times.format(b.at()));
        ins.setString(4, b.role());
        ins.setString(5, b.content() == null ? "" : b.content());
        ins.setString(6, b.contentType());
        ins.setString(7, toolName);
        ins.setString(8, b.toolInput());
        ins.setString(9, b.toolOutput());
        if (b.toolSuccess() == null) {
            ins.setNull(10, Types.BOOLEAN);
        } else {
            ins.setBoolean(10, b.toolSuccess());
        }
        ins.setString(11, b.dedupKey());
        ins.setString(12, b.toolUseId());
        if (latency == null) {
            ins.setNull(13, Types.REAL);
        } else {
            ins.setDouble(13, latency);
        }
        ins.setBoolean(14, b.sidechain());
        ins.setString(15, b.parentToolUseId());
        ins.setString(16, b.messageId());
        ins.setString(17, b.model());
        ins.setString(18, b.timeSource());
        ins.setString(19, b.stream().agentSessionId());
        setSource(ins, 20, ctx);
        if (ins.executeUpdate() == 0) {
            // stored already (the other copy of the same run): a recorded time may replace an observed one
            if (TimeSource.RECORDED.equals(b.timeSource())) {
                fillRecordedTime(worker, b, ctx);
            }
            return;
        }
        ctx.txCache().put(WorkerLinker.NEXT_INDEX + worker, index + 1);
        if ("tool_use".equals(b.contentType()) && b.toolUseId() != null) {
            ctx.txCache().put(new WorkerLinker.RowKey(CALL, worker, b.toolUseId()),
                    new StoredCall(b.toolName(), Times.format(b.at()), b.timeSource()));
            // a worker made in this transaction has an earlier result only if this transaction stored one
            if (!WorkerLinker.fresh(worker, ctx)
                    || ctx.txCache().containsKey(new WorkerLinker.RowKey(RESULT, worker, b.toolUseId()))) {
                pairEarlierResult(worker, b, ctx);
            }
        } else if ("tool_result".equals(b.contentType()) && b.toolUseId() != null && !callFound) {
            ctx.txCache().put(new WorkerLinker.RowKey(RESULT, worker, b.toolUseId()), Boolean.TRUE);
        }
    }

    /** A tool call of the worker as stored: its name and time. */
    private record StoredCall(String name, String at, String timeSource) {
    }

    /** The worker's stored call with this id: from what this transaction stored, else from the table. */
    private static StoredCall storedCall(String worker, String toolUseId, WriteContext ctx) throws SQLException {
        Object cached = ctx.txCache().get(new WorkerLinker.RowKey(CALL, worker, toolUseId));
        if (cached != null) {
            return (StoredCall) cached;
        }
        if (WorkerLinker.fresh(worker, ctx)) {
            return null; // made in this transaction, and this transaction stored no such call
        }
        PreparedStatement call = ctx.statement("SELECT tool_name, timestamp, time_source FROM conversations "
                + "WHERE worker_id = ? AND dedup_key = ?");
        call.setString(1, worker);
        call.setString(2, CALL + toolUseId);
        try (ResultSet rs = call.executeQuery()) {
            return rs.next() ? new StoredCall(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
        }
    }

    private static void setSource(PreparedStatement ps, int at, WriteContext ctx) throws SQLException {
        if (ctx.line() == null) {
            ps.setNull(at, Types.INTEGER);
            ps.setNull(at + 1, Types.INTEGER);
        } else {
            ps.setLong(at, ctx.line().fileId());
            ps.setLong(at + 1, ctx.line().offset());
        }
    }

    /**
     * A result that arrived before its call (another file, another batch) gets its name and latency. Pairs are
     * looked for only within the worker: a resumed or forked session copies its parent's tool-call ids.
     */
    private static void pairEarlierResult(String worker, ConversationBlock call, WriteContext ctx)
            throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT conversation_id, timestamp, time_source FROM conversations "
                + "WHERE worker_id = ? AND dedup_key = ?");
        ps.setString(1, worker);
        ps.setString(2, RESULT + call.toolUseId());
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Double latency = latency(Times.format(call.at()), call.timeSource(),
                        Times.parseOrNull(rs.getString(2)), rs.getString(3));
                PreparedStatement up = ctx.statement("UPDATE conversations SET tool_name = COALESCE(tool_name, ?), "
                        + "tool_latency_ms = COALESCE(?, tool_latency_ms) WHERE conversation_id = ?");
                up.setString(1, call.toolName());
                if (latency == null) {
                    up.setNull(2, Types.REAL);
                } else {
                    up.setDouble(2, latency);
                }
                up.setLong(3, rs.getLong(1));
                up.executeUpdate();
            }
        }
    }

    private static void fillRecordedTime(String worker, ConversationBlock b, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE conversations SET timestamp = ?, time_source = ? "
                + "WHERE worker_id = ? AND dedup_key = ? AND time_source <> ?");
        ps.setString(1, Times.format(b.at()));
        ps.setString(2, TimeSource.RECORDED);
        ps.setString(3, worker);
        ps.setString(4, b.dedupKey());
        ps.setString(5, TimeSource.RECORDED);
        if (ps.executeUpdate() > 0 && b.toolUseId() != null) {
            WorkerLinker.RowKey key = new WorkerLinker.RowKey(CALL, worker, b.toolUseId());
            if ("tool_use".equals(b.contentType()) && ctx.txCache().get(key) instanceof StoredCall c) {
                ctx.txCache().put(key, new StoredCall(c.name(), Times.format(b.at()), TimeSource.RECORDED));
            }
            // both sides of the pair may now have recorded times: recompute the latency
            PreparedStatement lat = ctx.statement("UPDATE conversations SET tool_latency_ms = "
                    + "ROUND((julianday(timestamp) - julianday((SELECT u.timestamp FROM conversations u "
                    + "WHERE u.worker_id = conversations.worker_id AND u.dedup_key = ?2 "
                    + "AND u.time_source = 'recorded'))) * 86400000.0) "
                    + "WHERE worker_id = ?1 AND dedup_key = ?3 AND time_source = 'recorded'");
            lat.setString(1, worker);
            lat.setString(2, CALL + b.toolUseId());
            lat.setString(3, RESULT + b.toolUseId());
            lat.executeUpdate();
        }
    }

    private static Double latency(String callAt, String callSource, Instant resultAt, String resultSource) {
        return ToolLatency.millis(Times.parseOrNull(callAt), callSource, resultAt, resultSource);
    }

    private static int nextIndex(String worker, WriteContext ctx) throws SQLException {
        Object cached = ctx.txCache().get(WorkerLinker.NEXT_INDEX + worker);
        if (cached != null) {
            return (Integer) cached;
        }
        PreparedStatement ps = ctx.statement(
                "SELECT COALESCE(MAX(message_index) + 1, 0) FROM conversations WHERE worker_id = ?");
        ps.setString(1, worker);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
