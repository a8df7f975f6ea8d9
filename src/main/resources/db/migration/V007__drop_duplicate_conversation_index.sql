-- idx_conversations_worker (worker_id, message_index) repeats the index SQLite already keeps for the table's
-- UNIQUE(worker_id, message_index): the planner uses either, every insert paid for both, and a bulk load
-- built it a second time at its end (6 MB of 189 on the 200 MB benchmark corpus).
DROP INDEX IF EXISTS idx_conversations_worker;
-- an interrupted bulk load may have left it to be built: it is not wanted any more
DELETE FROM deferred_indexes WHERE name = 'idx_conversations_worker';
