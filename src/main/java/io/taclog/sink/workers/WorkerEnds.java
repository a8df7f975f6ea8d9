package io.taclog.sink.workers;

import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A worker's visible end ({@code status}, {@code completed_at}, {@code failed_at}, {@code failure_reason}) made
 * from two ends kept apart (schema v20):
 *
 * <ul>
 *   <li>the process's: {@code process_status}, {@code process_completed_at}, {@code process_failed_at},
 *   {@code process_failure_reason}, written by the coordinator's records (spawn, launch failure, reaper line,
 *   {@code worker_status_change}) and by a transcript-only worker's start ('running');</li>
 *   <li>the transcript's: {@code result_status} ('completed' or 'failed'), {@code result_at}, {@code result_reason},
 *   written from the stream's result lines ({@code WorkerResultWriter}). They belong to the stream, not to the
 *   worker it happens to be linked to: a backfill may link a stream to the wrong spawn first, and the relinker
 *   moves them with the stream's other columns.</li>
 * </ul>
 *
 * <p>Each end only grows by the rules of {@link WorkerStatuses} (the stronger status, the earlier time), and the
 * visible columns are a function of the two ends alone, recomputed whenever either changes. So the visible end
 * does not depend on which source was read first, on batch sizes, or on whether a stream was linked to its spawn
 * at once or only after a relink: a merged status could not be taken apart again, two ends can.
 *
 * <p>The rule: the status is the stronger of the two ends' (spawned &lt; running &lt; exited &lt; completed &lt;
 * failed), and a spawned worker whose stream has shown activity is running; {@code completed_at} is the earlier of the process's completion and a completed transcript's end, and
 * {@code failed_at} the same for failures; the failure reason is the transcript's error, else the process's.
 */
public final class WorkerEnds {

    /**
     * The worker's stream has shown activity: a spawned worker whose transcript has lines is running, whichever of
     * the two (the spawn, the stream's first line) was stored first. The activity columns travel with the stream.
     */
    static final String ACTIVE = "(first_activity_at IS NOT NULL OR last_activity_at IS NOT NULL)";

    /** The transcript's end: travels with its stream. */
    public static final List<String> RESULT_COLUMNS = List.of("result_status", "result_at", "result_reason");

    private static final String STATUS = "CASE WHEN result_status IS NOT NULL AND "
            + WorkerStatuses.rank("result_status") + " > " + WorkerStatuses.rank("process_status")
            + " THEN result_status WHEN process_status = 'spawned' AND " + ACTIVE + " THEN 'running' "
            + "ELSE process_status END";
    private static final String COMPLETED_AT = "CASE WHEN result_status = 'completed' THEN "
            + WorkerStatuses.earlier("process_completed_at", "result_at") + " ELSE process_completed_at END";
    private static final String FAILED_AT = "CASE WHEN result_status = 'failed' THEN "
            + WorkerStatuses.earlier("process_failed_at", "result_at") + " ELSE process_failed_at END";
    private static final String FAILURE_REASON = "COALESCE(result_reason, process_failure_reason)";

    /** SQL assignments that set the visible end of a worker_sessions row from its two ends. */
    public static final String DERIVE = "status = " + STATUS + ", completed_at = " + COMPLETED_AT
            + ", failed_at = " + FAILED_AT + ", failure_reason = " + FAILURE_REASON;

    /**
     * SQL condition true for a row whose visible end differs from its derivation. A row without a process end (one
     * written by another program) is left as it is: there is nothing to derive it from.
     */
    public static final String STALE = "process_status IS NOT NULL AND (status IS DISTINCT FROM (" + STATUS
            + ") OR completed_at IS DISTINCT FROM (" + COMPLETED_AT + ") OR failed_at IS DISTINCT FROM ("
            + FAILED_AT + ") OR failure_reason IS DISTINCT FROM (" + FAILURE_REASON + "))";

    private WorkerEnds() {
    }

    /** Recomputes the visible end of one worker. */
    public static void derive(WriteContext ctx, String worker) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET " + DERIVE + " WHERE worker_id = ? AND "
                + STALE);
        ps.setString(1, worker);
        ps.executeUpdate();
    }

    /** Recomputes the visible end of every worker whose ends changed without it (a backfill's re-estimated times). */
    public static int deriveAll(WriteContext ctx) throws SQLException {
        return ctx.statement("UPDATE worker_sessions SET " + DERIVE + " WHERE " + STALE).executeUpdate();
    }

    /**
     * SQL assignments that add the transcript end given by parameters ({@code status}, {@code at}, {@code reason}:
     * SQL expressions) to a row's: a stronger status replaces the end, the same status keeps the earlier time, and an
     * error's reason replaces an earlier error's (the last one read, as before schema v20).
     */
    public static String addResult(String status, String at, String reason) {
        String stronger = "(result_status IS NULL OR " + WorkerStatuses.rank(status) + " > "
                + WorkerStatuses.rank("result_status") + ")";
        return "result_at = CASE WHEN " + stronger + " THEN " + at + " WHEN " + status + " = result_status THEN "
                + WorkerStatuses.earlier("result_at", at) + " ELSE result_at END, "
                + "result_reason = COALESCE(" + reason + ", result_reason), "
                + "result_status = CASE WHEN " + stronger + " THEN " + status + " ELSE result_status END";
    }
}
