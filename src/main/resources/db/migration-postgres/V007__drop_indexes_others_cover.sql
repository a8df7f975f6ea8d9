-- Two indexes that another index already holds as its leading columns: the planner uses the longer one for
-- every query the shorter one served, every insert paid for both, and a bulk load built them a second time
-- at its end.
-- idx_conversations_worker (worker_id, message_index) repeats the index of UNIQUE(worker_id, message_index)
-- (6 MB of 189 on the 200 MB benchmark corpus).
DROP INDEX IF EXISTS idx_conversations_worker;
-- idx_api_calls_timestamp (timestamp) is the first column of idx_api_calls_cost_window (timestamp, worker_id, ...).
DROP INDEX IF EXISTS idx_api_calls_timestamp;
-- an interrupted bulk load may have left them to be built: they are not wanted any more
DELETE FROM deferred_indexes WHERE name IN ('idx_conversations_worker', 'idx_api_calls_timestamp');
