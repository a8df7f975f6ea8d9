-- Schema v20: a worker's end as its process and as its transcript tell it, kept apart; the visible status and end
-- times are derived from the two (WorkerEnds, docs/coordinator-events.md, "Later, weaker facts").
--
-- Until v19 a transcript's result line was merged into the worker its stream was linked to (status, completed_at,
-- failed_at, failure_reason). A backfill may link a stream to the wrong spawn of a task first (TAC-8's shared
-- logs/<task>.jsonl); the relinker then moved the stream's rows and figures, but a merged status cannot be taken
-- apart, so the end stayed on the wrong worker and the answer depended on batch sizes. Now:
--
--   process_status, process_completed_at,   the worker's end by the coordinator's records (spawn, launch failure,
--   process_failed_at, process_failure_reason  reaper line, worker_status_change) or a transcript-only worker's
--                                           start; they stay with the worker
--   result_status, result_at, result_reason the stream's end by its result lines ('completed' or 'failed', the time,
--                                           the error's reason); they travel with the stream
--
--   status          the stronger of process_status and result_status (spawned < running < exited < completed < failed)
--   completed_at    the earlier of process_completed_at and, for a completed result, result_at
--   failed_at       the earlier of process_failed_at and, for a failed result, result_at
--   failure_reason  result_reason, else process_failure_reason
--
-- The ends of existing workers are recovered from the merged columns. A worker without a result line (result_is_error
-- NULL) has the process's end only. A worker with one has the result's status (is_error), time (completed_at or
-- failed_at) and reason (a failure_reason 'transcript result: ...'); its process ended if exit_source is set (failed
-- for a non-zero exit code, else exited), failed if its status is failed after a successful result, else it is taken
-- as running. Not recoverable, and documented: where both sources ended a worker the same way their times were merged
-- into the earlier one, which both ends now get; a process's failure reason replaced by a transcript's error is lost;
-- a coordinator event's own 'completed' is taken as 'exited'; a worker that got an earlier successful result line
-- before an error line loses the success's time. The visible columns are then derived: for every row the v19 writers
-- could leave they are what they were, except for a stream's successful result left on a worker the relinker took the
-- stream from, whose status ('exited') becomes 'completed'; the completed_at such a worker got from another stream's
-- result cannot be told from its own and stays.
ALTER TABLE worker_sessions ADD COLUMN process_status TEXT;
ALTER TABLE worker_sessions ADD COLUMN process_completed_at TIMESTAMP;
ALTER TABLE worker_sessions ADD COLUMN process_failed_at TIMESTAMP;
ALTER TABLE worker_sessions ADD COLUMN process_failure_reason TEXT;
ALTER TABLE worker_sessions ADD COLUMN result_status TEXT;
ALTER TABLE worker_sessions ADD COLUMN result_at TIMESTAMP;
ALTER TABLE worker_sessions ADD COLUMN result_reason TEXT;

UPDATE worker_sessions SET
    result_status = CASE WHEN result_is_error = 1 THEN 'failed' WHEN result_is_error = 0 THEN 'completed' END,
    result_at = CASE WHEN result_is_error = 1 THEN failed_at WHEN result_is_error = 0 THEN completed_at END,
    result_reason = CASE WHEN result_is_error = 1 AND substr(failure_reason, 1, 19) = 'transcript result: '
        THEN failure_reason END,
    process_status = CASE
        WHEN result_is_error IS NULL THEN status
        WHEN status = 'failed' AND result_is_error = 0 THEN 'failed'
        WHEN exit_source IS NOT NULL AND COALESCE(exit_code, 0) <> 0 THEN 'failed'
        WHEN exit_source IS NOT NULL THEN 'exited'
        ELSE 'running' END,
    process_completed_at = CASE
        WHEN result_is_error IS NULL OR result_is_error = 1 THEN completed_at
        WHEN exit_source IS NOT NULL AND COALESCE(exit_code, 0) = 0 THEN completed_at END,
    process_failed_at = CASE
        WHEN result_is_error IS NULL OR result_is_error = 0 THEN failed_at
        WHEN exit_source IS NOT NULL AND COALESCE(exit_code, 0) <> 0 THEN failed_at END,
    process_failure_reason = CASE WHEN result_is_error = 1 AND substr(failure_reason, 1, 19) = 'transcript result: '
        THEN NULL ELSE failure_reason END;

UPDATE worker_sessions SET
    status = CASE WHEN result_status IS NOT NULL AND
        (CASE result_status WHEN 'spawned' THEN 0 WHEN 'running' THEN 1 WHEN 'exited' THEN 2 WHEN 'completed' THEN 3
         WHEN 'failed' THEN 4 ELSE 1 END) >
        (CASE process_status WHEN 'spawned' THEN 0 WHEN 'running' THEN 1 WHEN 'exited' THEN 2 WHEN 'completed' THEN 3
         WHEN 'failed' THEN 4 ELSE 1 END) THEN result_status ELSE process_status END,
    completed_at = CASE WHEN result_status = 'completed'
        THEN COALESCE(MIN(process_completed_at, result_at), process_completed_at, result_at)
        ELSE process_completed_at END,
    failed_at = CASE WHEN result_status = 'failed'
        THEN COALESCE(MIN(process_failed_at, result_at), process_failed_at, result_at)
        ELSE process_failed_at END,
    failure_reason = COALESCE(result_reason, process_failure_reason)
WHERE result_status IS NOT NULL;

-- a backfill interrupted before its finish keeps the read-time stamps of reaper lines to estimate: they are the
-- process's end times now
UPDATE pending_estimates SET column_name = 'process_' || column_name
WHERE table_name = 'worker_sessions' AND column_name IN ('completed_at', 'failed_at');
