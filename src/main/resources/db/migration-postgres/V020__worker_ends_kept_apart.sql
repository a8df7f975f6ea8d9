-- Schema v20 in PostgreSQL form (the SQLite script of the same number says why, what it recovers and what it
-- cannot): a worker's end as its process and as its transcript tell it, kept apart, and the visible status and end
-- times derived from the two. Times are TEXT, as in every PostgreSQL table of taclog; MIN(a, b) is SQLite's (V001).

ALTER TABLE worker_sessions ADD COLUMN process_status TEXT;
ALTER TABLE worker_sessions ADD COLUMN process_completed_at TEXT;
ALTER TABLE worker_sessions ADD COLUMN process_failed_at TEXT;
ALTER TABLE worker_sessions ADD COLUMN process_failure_reason TEXT;
ALTER TABLE worker_sessions ADD COLUMN result_status TEXT;
ALTER TABLE worker_sessions ADD COLUMN result_at TEXT;
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
