-- Schema v5: tool calls pair only within their worker, a bulk load may defer secondary indexes, and the
-- cost report finds the workers that report their own cost without reading every worker.
--
-- A resumed, forked or cloned session copies its parent's lines into a new file, tool-call ids included,
-- so one id can appear in many sessions. The pair of a call is the result with the same id in the same
-- worker (its stream and that stream's subagents), found through the (worker_id, dedup_key) index:
-- a tool_use row has dedup_key 'tu:<id>', its result 'tr:<id>'.
DROP VIEW tool_calls;
CREATE VIEW tool_calls AS
SELECT u.worker_id,
       u.tool_use_id,
       u.tool_name,
       u.timestamp AS called_at,
       r.timestamp AS answered_at,
       r.tool_success,
       r.tool_latency_ms,
       u.is_sidechain,
       CASE WHEN r.conversation_id IS NULL THEN 1 ELSE 0 END AS unanswered,
       u.conversation_id AS call_conversation_id,
       r.conversation_id AS result_conversation_id
FROM conversations u
LEFT JOIN conversations r ON r.worker_id = u.worker_id AND r.dedup_key = 'tr:' || u.tool_use_id
WHERE u.content_type = 'tool_use';
-- Nothing looks conversations up by tool-call id alone any more: the index only cost every insert.
DROP INDEX idx_conversations_tool_use;

-- Secondary indexes a bulk load dropped, to build once the load is done (docs/performance.md). Rows and the
-- DROP INDEX commit together; the CREATE INDEX and the row's removal commit together, so a crash in between
-- leaves the row, and the next start builds the index.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    create_sql TEXT NOT NULL,
    deferred_at TEXT NOT NULL
);

-- The few workers whose transcript reports a cost (stream-json result lines): the cost report prorates their
-- figure over their calls and sums every other call straight from the covering index of api_calls.
CREATE INDEX idx_workers_reported_cost ON worker_sessions(worker_id) WHERE reported_cost_usd IS NOT NULL;
