-- Schema v4: covering indexes for the questions people ask most (taclog query cost, query task).
-- A cost report over a window reads only this index (no table rows): one contiguous index range.
CREATE INDEX idx_api_calls_cost_window ON api_calls(timestamp, worker_id, model, estimated_cost_usd,
    tokens_input, tokens_output, tokens_cached_read, tokens_cached_write);
-- Per-worker, per-model estimates (spreading a worker's reported cost over its calls).
CREATE INDEX idx_api_calls_worker_model ON api_calls(worker_id, model, estimated_cost_usd);
-- Errors in a window (query errors) without scanning every event.
CREATE INDEX idx_events_time ON system_events(timestamp, severity);
-- Joining transcript streams to the coordinator's workers looks workers up by log file.
CREATE INDEX idx_workers_log_file ON worker_sessions(log_file);
-- Merging a transcript-only worker into the coordinator's record renames it in these tables: by index,
-- not by scanning tables that grow for months.
CREATE INDEX idx_status_history_worker ON task_status_history(worker_id);
CREATE INDEX idx_worktree_ops_worker ON worktree_operations(worker_id);
CREATE INDEX idx_tasks_worker ON tasks(worker_id);
