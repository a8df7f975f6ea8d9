package io.taclog.sink.transcript;

import io.taclog.model.CodexReviewSeen;
import io.taclog.model.Times;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Pairs a Codex review sub-agent's rollout with the parent that entered review mode, whichever file is read
 * first, and files the sub-agent's worker under the parent's: its calls and messages then count toward the
 * parent's task. Codex writes no id that joins the two. The sub-agent's rollout begins right after the
 * parent's {@code entered_review_mode} (1 ms after it with CLI 0.72, 1.4 s with 0.104), in the same working
 * directory; the closest unpaired candidate within the window wins.
 */
public final class CodexReviewWriter implements FactWriter<CodexReviewSeen> {

    /** How long before the parent's entry a sub-agent's rollout may begin (clock granularity, write order). */
    static final Duration EARLIEST = Duration.ofSeconds(5);
    /** How long after the parent's entry a sub-agent's rollout may begin (a slow start of the review). */
    static final Duration LATEST = Duration.ofSeconds(60);

    private final WorkerLinker linker;

    public CodexReviewWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<CodexReviewSeen> type() {
        return CodexReviewSeen.class;
    }

    @Override
    public void write(CodexReviewSeen f, WriteContext ctx) throws SQLException {
        linker.workerFor(f.stream(), f.at(), f.timeSource(), ctx);
        String me = f.stream().agentSessionId();
        String side = f.reviewAgent() ? "review" : "parent";
        String at = Times.format(f.at());
        if (storedFromACopy(side, me, f.sourceLine(), ctx)) {
            return; // the same line of the same session, read from another copy of the file first
        }
        // keyed by the line, not by its time: lines without a time of their own share their batch's read time
        PreparedStatement insert = ctx.statement("INSERT INTO codex_reviews(side, agent_session_id, source_line, at, "
                + "cwd) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING");
        insert.setString(1, side);
        insert.setString(2, me);
        insert.setString(3, f.sourceLine());
        insert.setString(4, at);
        insert.setString(5, f.cwd());
        if (insert.executeUpdate() == 0) {
            return; // the same line read again (a restart re-reads what did not commit): paired already or not
        }
        String[] partner = findPartner(f, side, at, ctx);
        if (partner == null) {
            return; // the other file has not been read yet: its own line pairs them
        }
        PreparedStatement pair = ctx.statement("UPDATE codex_reviews SET partner_session_id = ? "
                + "WHERE side = ? AND agent_session_id = ? AND source_line = ?");
        pair.setString(1, partner[0]);
        pair.setString(2, side);
        pair.setString(3, me);
        pair.setString(4, f.sourceLine());
        pair.executeUpdate();
        pair.setString(1, me);
        pair.setString(2, f.reviewAgent() ? "parent" : "review");
        pair.setString(3, partner[0]);
        pair.setString(4, partner[1]);
        pair.executeUpdate();
        String parent = f.reviewAgent() ? partner[0] : me;
        String review = f.reviewAgent() ? me : partner[0];
        fileUnderParent(workerOf(review, ctx), workerOf(parent, ctx), ctx);
    }

    /**
     * Whether this line's review is stored already from a copy of its file: a row of the same side and session at the
     * same place with the same hash, under another file id. A session's rows are few, so the pattern is cheap.
     */
    private static boolean storedFromACopy(String side, String session, String sourceLine, WriteContext ctx)
            throws SQLException {
        String place = CodexReviewSeen.placeInFile(sourceLine);
        if (place == null) {
            return false;
        }
        PreparedStatement ps = ctx.statement("SELECT 1 FROM codex_reviews WHERE side = ? AND agent_session_id = ? "
                + "AND source_line <> ? AND substr(source_line, length(source_line) - ? + 1) = ? LIMIT 1");
        ps.setString(1, side);
        ps.setString(2, session);
        ps.setString(3, sourceLine);
        ps.setInt(4, place.length() + 1);
        ps.setString(5, ":" + place);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * The closest unpaired row of the other side within the window, as {session id, source line}; null if none.
     * Of rows equally close (lines of one batch without times of their own), the one of the first session by id,
     * and of its lines the one stored first.
     */
    private static String[] findPartner(CodexReviewSeen f, String side, String at, WriteContext ctx)
            throws SQLException {
        Instant t = f.at();
        // a review begins after its parent's entry: the window lies after the parent's time
        Instant from = f.reviewAgent() ? t.minus(LATEST) : t.minus(EARLIEST);
        Instant to = f.reviewAgent() ? t.plus(EARLIEST) : t.plus(LATEST);
        PreparedStatement ps = ctx.statement("SELECT agent_session_id, source_line FROM codex_reviews "
                + "WHERE side = ? AND partner_session_id IS NULL AND at BETWEEN ? AND ? AND agent_session_id <> ? "
                + "AND (cwd IS NULL OR ? IS NULL OR cwd = ?) "
                + "ORDER BY ABS(julianday(at) - julianday(?)), agent_session_id, rowid LIMIT 1");
        ps.setString(1, "review".equals(side) ? "parent" : "review");
        ps.setString(2, Times.format(from));
        ps.setString(3, Times.format(to));
        ps.setString(4, f.stream().agentSessionId());
        ps.setString(5, f.cwd());
        ps.setString(6, f.cwd());
        ps.setString(7, at);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }

    private static String workerOf(String agentSessionId, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id FROM agent_sessions WHERE agent_session_id = ?");
        ps.setString(1, agentSessionId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Moves the review's provisional worker into the parent's. A worker the coordinator spawned keeps its
     * identity: the pair is recorded, the rows stay.
     */
    private void fileUnderParent(String reviewWorker, String parentWorker, WriteContext ctx) throws SQLException {
        if (reviewWorker == null || parentWorker == null || reviewWorker.equals(parentWorker)) {
            return;
        }
        PreparedStatement ps = ctx.statement("SELECT origin, first_activity_at FROM worker_sessions "
                + "WHERE worker_id = ?");
        ps.setString(1, reviewWorker);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !"transcript".equals(rs.getString(1))) {
                return;
            }
        }
        ps.setString(1, parentWorker);
        String parentFirst;
        try (ResultSet rs = ps.executeQuery()) {
            parentFirst = rs.next() ? rs.getString(2) : null;
        }
        linker.merge(reviewWorker, parentWorker, ctx);
        // the merge takes the moved worker's first activity; the parent's own began earlier
        if (parentFirst != null) {
            PreparedStatement first = ctx.statement("UPDATE worker_sessions SET first_activity_at = ? "
                    + "WHERE worker_id = ? AND (first_activity_at IS NULL OR first_activity_at > ?)");
            first.setString(1, parentFirst);
            first.setString(2, parentWorker);
            first.setString(3, parentFirst);
            first.executeUpdate();
        }
    }
}
