package io.taclog.sink.workers;

import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import io.taclog.sink.WriteContext;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Decides which worker a transcript stream belongs to, in whatever order the facts arrive.
 *
 * <p>A stream seen first gets a provisional worker named from its path (default the file stem) or, if
 * the path says nothing, from its session id. When the coordinator's record of a worker arrives (before
 * or after), the stream and the worker are joined: the stream's first activity is matched to the
 * spawn closest before it (when both times are comparable), otherwise to the latest unclaimed spawn of
 * the same task. Joining renames the provisional worker everywhere in one transaction.
 */
public final class WorkerLinker {

    /** Coordinator session of workers seen only in transcripts (the seed requires a session id). */
    public static final String NO_COORDINATOR = "no-coordinator";
    public static final int NAME_FROM_SESSION = 1;
    public static final int NAME_FROM_PATH = 2;
    public static final int NAME_FROM_COORDINATOR = 3;
    /** Transaction-cache key prefix of the next free message index of a worker. */
    public static final String NEXT_INDEX = "next-index:";
    /** Transaction-cache key prefix of the worker a stream resolved to (dropped when that worker goes). */
    static final String CACHE = "worker-of:";
    /**
     * Transaction-cache key prefix of a worker created in this transaction: none of its rows exist outside it,
     * so a writer may skip looking for them (its next message index is 0, no coordinator estimate to replace,
     * no result stored before its call unless this transaction stored one). Dropped when rows move in.
     */
    public static final String FRESH = "fresh-worker:";
    /** Transaction-cache key: whether some coordinator worker may still wait for its transcript stream. */
    static final String MAYBE_UNCLAIMED = "coordinator-workers-unclaimed";

    /**
     * Transaction-cache key of something a writer learned about one worker's rows in this transaction (a tool
     * call it stored, a result stored before its call); dropped when rows move into or out of the worker.
     */
    public record RowKey(String kind, String worker, String id) {
    }

    /** True when {@code worker} was created in this transaction and nothing of another worker moved into it. */
    public static boolean fresh(String worker, WriteContext ctx) {
        return ctx.txCache().containsKey(FRESH + worker);
    }

    /** The coordinator's record of one worker (spawn line, spawn event, work-queue Active entry). */
    public record CoordinatorWorker(String workerId, String sessionId, String taskId, Instant spawnedAt,
                                    String timeSource, Integer pid, String worktreePath, String branchName,
                                    String promptFile, String logFile, String status) {
    }

    /** Worker id of a stream; creates a provisional worker the first time a stream is seen. */
    public String workerFor(StreamRef ref, Instant at, String timeSource, WriteContext ctx) throws SQLException {
        String streamKey = StreamResolver.streamKey(ref);
        String cached = (String) ctx.txCache().get(CACHE + streamKey);
        String worker = cached != null ? cached : StreamResolver.resolve(ref, streamKey, at, timeSource, ctx);
        ctx.txCache().put(CACHE + streamKey, worker);
        ActivityNotes.noteActivity(worker, at, ctx);
        if (TimeSource.RECORDED.equals(timeSource)) {
            ActivityNotes.noteRecordedStart(worker, at, ctx);
        }
        return worker;
    }

    /**
     * Records the coordinator's view of a worker and joins a transcript stream seen earlier to it.
     * Returns the worker id.
     */
    public String coordinatorWorker(CoordinatorWorker w, WriteContext ctx) throws SQLException {
        return WorkerJoiner.coordinatorWorker(w, ctx);
    }

    /**
     * Moves everything of worker {@code from} to worker {@code into} (which exists), keeping the
     * transcript's figures, and deletes {@code from}.
     */
    public void merge(String from, String into, WriteContext ctx) throws SQLException {
        WorkerJoiner.merge(from, into, ctx);
    }

    /** Gives a worker a new id everywhere (a better name turned up). */
    public void rename(String from, String to, int quality, WriteContext ctx) throws SQLException {
        WorkerJoiner.rename(from, to, quality, ctx);
    }

    /** The issue number in a task id such as gh-450. */
    public static Integer issueNumber(String taskId) {
        if (taskId == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[A-Za-z]+-(\\d{1,9})$").matcher(taskId);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
