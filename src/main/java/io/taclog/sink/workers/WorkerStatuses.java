package io.taclog.sink.workers;

/**
 * The order of a worker's statuses, strongest last: spawned, running, exited (the reaper's exit 0, which
 * says nothing of the outcome), completed (the transcript's successful result), failed (a failure any
 * source saw: a non-zero exit, an error result). A status only moves to a stronger one, so a late activity
 * line, a duplicate spawn or an exit read after the result cannot undo a better-known end, and every order
 * of the same facts ends with the same status.
 */
public final class WorkerStatuses {

    private WorkerStatuses() {
    }

    /** SQL giving the rank of the status held by the SQL expression {@code status}. */
    public static String rank(String status) {
        return "(CASE " + status + " WHEN 'spawned' THEN 0 WHEN 'running' THEN 1 WHEN 'exited' THEN 2 "
                + "WHEN 'completed' THEN 3 WHEN 'failed' THEN 4 ELSE 1 END)";
    }

    /**
     * SQL for the earlier of two end times (ISO text), either of which may be NULL: a worker keeps the first
     * moment any source saw it end, whichever source was read first.
     */
    public static String earlier(String a, String b) {
        return "COALESCE(MIN(" + a + ", " + b + "), " + a + ", " + b + ")";
    }

    /** SQL setting the status column {@code column} to the status in the SQL expression {@code next} if stronger. */
    public static String moveTo(String column, String next) {
        return column + " = CASE WHEN " + rank(next) + " > " + rank(column) + " THEN " + next + " ELSE " + column
                + " END";
    }
}
