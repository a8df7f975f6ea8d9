package io.taclog.sink;

import io.taclog.model.ConversationBlock;
import io.taclog.model.StreamRef;
import io.taclog.model.Times;
import io.taclog.source.SourceLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where new conversation content waits while the split layout's conversations file is away (docs/storage.md, "When
 * the second disk goes away"): a table of the main file, written in the same transaction as the batch's other rows
 * and its file offsets, so a crash loses nothing and reads nothing twice.
 *
 * <p>It holds the conversation blocks as the parser made them, with the worker they were linked to, not finished
 * rows: a row's message index, its de-duplication against a copy of the same run and the pairing of a tool result
 * with its call all depend on rows kept in the unreachable file. When the file is back the spool is replayed, oldest
 * first, through the conversation writer itself ({@link Replayer}), before any other write, so the file ends with
 * exactly the rows it would have had. While the spool holds anything, new blocks join it (never overtake it).
 *
 * <p>Its size is capped (bytes of text held); a full spool makes the batch that brought more content wait
 * ({@link ConversationsPending}): its bytes are read again later, other sources go on.
 */
public final class ConversationsSpool implements Database.TransactionHook {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationsSpool.class);
    public static final String TABLE = "conversations_spool";
    /** The session id of the sidecar's own storage events (no coordinator session is theirs). */
    static final String EVENT_SESSION = "taclog";

    private static final String COLUMNS = "spooled_at, worker_id, agent_session_id, dedup_key, at, time_source, role, "
            + "content_type, content, tool_name, tool_input, tool_output, tool_success, tool_use_id, sidechain, "
            + "parent_tool_use_id, message_id, model, source_file_id, source_offset, bytes";

    /** Stores one spooled block as the conversation writer would have stored it then (the file is attached). */
    @FunctionalInterface
    public interface Replayer {
        void store(String worker, ConversationBlock block, WriteContext ctx) throws SQLException;
    }

    /** What doctor and the queries say of the spool. */
    public record State(long rows, long bytes, String since) {
    }

    private volatile long capBytes;
    private volatile boolean away;
    /** Written under the writer's lock; read by the watch without it (then again under it). */
    private volatile long rows;
    private long bytes;
    /** Added by the open transaction, applied when it commits. */
    private long txRows;
    private long txBytes;
    /** Storage events waiting for the next transaction that commits (they must not roll back with a failed batch). */
    private final List<String[]> events = new ArrayList<>();
    private boolean fullAnnounced;
    /** How many queued events the open transaction wrote. */
    private int eventsWritten;

    ConversationsSpool(long capBytes) {
        this.capBytes = capBytes;
    }

    /** Makes the spool table (split layout only) and reads what an earlier run left in it. */
    void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS main." + TABLE + " (spool_id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "spooled_at TEXT NOT NULL, worker_id TEXT NOT NULL, agent_session_id TEXT, dedup_key TEXT, "
                    + "at TEXT NOT NULL, time_source TEXT, role TEXT, content_type TEXT, content TEXT, tool_name TEXT, "
                    + "tool_input TEXT, tool_output TEXT, tool_success INTEGER, tool_use_id TEXT, sidechain INTEGER "
                    + "NOT NULL, parent_tool_use_id TEXT, message_id TEXT, model TEXT, source_file_id INTEGER, "
                    + "source_offset INTEGER, bytes INTEGER NOT NULL)");
        }
        State st = state(c);
        rows = st.rows();
        bytes = st.bytes();
    }

    /** The spool of a database on any connection (read-only ones too), or null when it has none. */
    public static State state(Connection c) throws SQLException {
        if (!ConversationsFile.hasTable(c, "main", TABLE)) {
            return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(bytes), "
                + "0), MIN(spooled_at) FROM main." + TABLE)) {
            rs.next();
            return new State(rs.getLong(1), rs.getLong(2), rs.getString(3));
        }
    }

    /** Whether new conversation blocks go to the spool: the file is away, or older blocks still wait in it. */
    public boolean active() {
        return away || rows > 0;
    }

    boolean away() {
        return away;
    }

    void away(boolean away) {
        this.away = away;
        if (!away) {
            fullAnnounced = false;
        }
    }

    long rows() {
        return rows;
    }

    long capBytes() {
        return capBytes;
    }

    void capBytes(long cap) {
        this.capBytes = cap;
    }

    /** Spools one block (inside the batch's transaction); a full spool makes the batch wait. */
    public void add(String worker, ConversationBlock b, WriteContext ctx) throws SQLException {
        long size = size(b);
        if (bytes + txBytes + size > capBytes) {
            if (!fullAnnounced) {
                fullAnnounced = true;
                String msg = "the conversations spool is full (" + (bytes + txBytes) + " of " + capBytes + " bytes, "
                        + "taclog.db.conversations.spool-max-bytes): transcripts wait, unread, until the conversations "
                        + "disk is back; coordinator sources go on";
                LOG.warn(msg);
                event("conversations_spool_full", "warning", msg, "{\"cap_bytes\":" + capBytes + "}");
            }
            throw new ConversationsPending("the conversations spool is full (" + capBytes + " bytes)");
        }
        PreparedStatement ps = ctx.statement("INSERT INTO main." + TABLE + " (" + COLUMNS + ") VALUES "
                + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        ps.setString(1, Times.format(ctx.now()));
        ps.setString(2, worker);
        ps.setString(3, b.stream() == null ? null : b.stream().agentSessionId());
        ps.setString(4, b.dedupKey());
        ps.setString(5, b.at().toString()); // full precision: the replay computes latencies from it
        ps.setString(6, b.timeSource());
        ps.setString(7, b.role());
        ps.setString(8, b.contentType());
        ps.setString(9, b.content());
        ps.setString(10, b.toolName());
        ps.setString(11, b.toolInput());
        ps.setString(12, b.toolOutput());
        if (b.toolSuccess() == null) {
            ps.setNull(13, Types.INTEGER);
        } else {
            ps.setInt(13, b.toolSuccess() ? 1 : 0);
        }
        ps.setString(14, b.toolUseId());
        ps.setInt(15, b.sidechain() ? 1 : 0);
        ps.setString(16, b.parentToolUseId());
        ps.setString(17, b.messageId());
        ps.setString(18, b.model());
        if (ctx.line() == null) {
            ps.setNull(19, Types.INTEGER);
            ps.setNull(20, Types.INTEGER);
        } else {
            ps.setLong(19, ctx.line().fileId());
            ps.setLong(20, ctx.line().offset());
        }
        ps.setLong(21, size);
        ps.executeUpdate();
        txRows++;
        txBytes += size;
    }

    private static long size(ConversationBlock b) {
        return len(b.content()) + len(b.toolInput()) + len(b.toolOutput()) + len(b.dedupKey()) + 200;
    }

    private static long len(String s) {
        return s == null ? 0 : s.length();
    }

    /**
     * Replays up to {@code limit} of the oldest spooled blocks into the attached file and deletes them from the
     * spool, in the caller's transaction: both happen in one commit (the redo record covers a cut between the two
     * files' halves), so a crash neither loses nor doubles a row. Returns how many were replayed.
     */
    int replay(Replayer replayer, WriteContext ctx, int limit) throws SQLException {
        long last = -1;
        int n = 0;
        long freed = 0;
        PreparedStatement ps = ctx.statement("SELECT spool_id, " + COLUMNS + " FROM main." + TABLE
                + " ORDER BY spool_id LIMIT ?");
        ps.setInt(1, limit);
        List<Object[]> batch = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long fileId = rs.getObject(20) == null ? null : rs.getLong(20);
                Boolean success = rs.getObject(14) == null ? null : rs.getInt(14) != 0;
                ConversationBlock b = new ConversationBlock(new StreamRef(rs.getString(4), null, null, null, null),
                        rs.getString(5), Instant.parse(rs.getString(6)), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                        success, rs.getString(15), rs.getInt(16) != 0, rs.getString(17), rs.getString(18),
                        rs.getString(19));
                batch.add(new Object[] {rs.getLong(1), rs.getString(3), b, fileId, rs.getLong(21), rs.getLong(22)});
            }
        }
        for (Object[] e : batch) {
            Long fileId = (Long) e[3];
            ctx.at(null, fileId == null ? null : new SourceLine(fileId, (Long) e[4], 0, null, null), null);
            replayer.store((String) e[1], (ConversationBlock) e[2], ctx);
            last = (Long) e[0];
            freed += (Long) e[5];
            n++;
        }
        if (n > 0) {
            PreparedStatement del = ctx.statement("DELETE FROM main." + TABLE + " WHERE spool_id <= ?");
            del.setLong(1, last);
            del.executeUpdate();
            txRows -= n;
            txBytes -= freed;
        }
        return n;
    }

    /** Queues a storage event; it is written by the next transaction that commits. */
    void event(String type, String severity, String message, String detailsJson) {
        synchronized (events) {
            events.add(new String[] {type, severity, message, detailsJson, Times.format(Instant.now())});
        }
    }

    @Override
    public void beforeWork() throws SQLException {
        txRows = 0;
        txBytes = 0;
    }

    /** Called by the database with the writer connection inside each transaction, before the caller's work. */
    void writeEvents(Connection c) throws SQLException {
        synchronized (events) {
            eventsWritten = events.size();
            for (String[] e : events) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO main.system_events (session_id, timestamp, "
                        + "event_type, severity, component, message, details) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setString(1, EVENT_SESSION);
                    ps.setString(2, e[4]);
                    ps.setString(3, e[0]);
                    ps.setString(4, e[1]);
                    ps.setString(5, "storage");
                    ps.setString(6, e[2]);
                    ps.setString(7, e[3]);
                    ps.executeUpdate();
                }
            }
        }
    }

    @Override
    public void afterCommit() {
        rows += txRows;
        bytes += txBytes;
        txRows = 0;
        txBytes = 0;
        synchronized (events) {
            events.subList(0, eventsWritten).clear();
            eventsWritten = 0;
        }
    }

    @Override
    public void afterRollback() {
        eventsWritten = 0;
        txRows = 0;
        txBytes = 0;
    }
}
