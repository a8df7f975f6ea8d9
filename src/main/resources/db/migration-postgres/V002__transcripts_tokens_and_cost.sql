-- Schema v2: what worker transcripts need beyond the seed's columns.
-- Additions only (the seed's columns and indexes stay the public contract).

-- Workers: where the row came from, the transcript stream behind it, and the figures of the
-- transcript's final `result` line (the agent-reported cost and usage).
ALTER TABLE worker_sessions ADD COLUMN origin TEXT;                 -- 'coordinator', 'transcript'
ALTER TABLE worker_sessions ADD COLUMN name_quality BIGINT NOT NULL DEFAULT 0; -- 3 coordinator, 2 path, 1 session id
ALTER TABLE worker_sessions ADD COLUMN agent TEXT;                  -- 'claude-code', 'codex'
ALTER TABLE worker_sessions ADD COLUMN agent_session_id TEXT;       -- main transcript session / thread id
ALTER TABLE worker_sessions ADD COLUMN model TEXT;                  -- main-loop model
ALTER TABLE worker_sessions ADD COLUMN cwd TEXT;
ALTER TABLE worker_sessions ADD COLUMN time_source TEXT;            -- of spawned_at: 'recorded', 'observed', 'estimated'
ALTER TABLE worker_sessions ADD COLUMN first_activity_at TEXT;
ALTER TABLE worker_sessions ADD COLUMN last_activity_at TEXT;  -- last transcript line seen (stall detection)
ALTER TABLE worker_sessions ADD COLUMN reported_cost_usd DOUBLE PRECISION;      -- result.total_cost_usd
ALTER TABLE worker_sessions ADD COLUMN result_subtype TEXT;         -- 'success', 'error_max_turns', ...
ALTER TABLE worker_sessions ADD COLUMN result_is_error INTEGER;
ALTER TABLE worker_sessions ADD COLUMN result_text TEXT;
ALTER TABLE worker_sessions ADD COLUMN duration_ms DOUBLE PRECISION;            -- result.duration_ms
ALTER TABLE worker_sessions ADD COLUMN duration_api_ms DOUBLE PRECISION;        -- result.duration_api_ms
ALTER TABLE worker_sessions ADD COLUMN num_turns BIGINT;
ALTER TABLE worker_sessions ADD COLUMN result_usage TEXT;           -- result.usage as reported
ALTER TABLE worker_sessions ADD COLUMN api_error_status BIGINT;

CREATE INDEX idx_workers_agent_session ON worker_sessions(agent_session_id);

-- Transcript streams (Claude session ids, Codex thread ids) and the worker each belongs to.
CREATE TABLE agent_sessions (
    agent_session_id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL,
    agent TEXT,
    first_source TEXT,                    -- path of the file it was first seen in
    first_seen_at TEXT NOT NULL,
    linked_by TEXT                        -- 'transcript', 'coordinator-log', 'coordinator-event'
);
CREATE INDEX idx_agent_sessions_worker ON agent_sessions(worker_id);

-- Per-model usage and cost the transcript's `result` line reports (also models that never
-- appear on an assistant line, e.g. background haiku calls).
CREATE TABLE worker_model_usage (
    worker_id TEXT NOT NULL,
    model TEXT NOT NULL,
    tokens_input BIGINT,
    tokens_output BIGINT,
    tokens_cached_read BIGINT,
    tokens_cached_write BIGINT,
    web_search_requests BIGINT,
    reported_cost_usd DOUBLE PRECISION,
    context_window BIGINT,
    PRIMARY KEY (worker_id, model)
);

-- Conversations: pairing, provenance, dedupe across the stream-json and session-file copies.
ALTER TABLE conversations ADD COLUMN dedup_key TEXT;                -- natural key within the worker
ALTER TABLE conversations ADD COLUMN tool_use_id TEXT;              -- on tool_use and tool_result rows
ALTER TABLE conversations ADD COLUMN tool_latency_ms DOUBLE PRECISION;          -- result time - call time (recorded times only)
ALTER TABLE conversations ADD COLUMN is_sidechain INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN parent_tool_use_id TEXT;       -- the Task call a subagent line belongs to
ALTER TABLE conversations ADD COLUMN message_id TEXT;               -- API message id of assistant blocks
ALTER TABLE conversations ADD COLUMN model TEXT;
ALTER TABLE conversations ADD COLUMN time_source TEXT;              -- 'recorded' or 'observed'
ALTER TABLE conversations ADD COLUMN agent_session_id TEXT;
ALTER TABLE conversations ADD COLUMN source_file_id BIGINT;        -- ingest_files row of the line
ALTER TABLE conversations ADD COLUMN source_offset BIGINT;         -- byte offset of the line

CREATE UNIQUE INDEX idx_conversations_dedup ON conversations(worker_id, dedup_key);
CREATE INDEX idx_conversations_tool_use ON conversations(tool_use_id);

-- One row per pair of tool call and result; unanswered calls have answered_at NULL.
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
LEFT JOIN conversations r ON r.tool_use_id = u.tool_use_id AND r.content_type = 'tool_result'
WHERE u.content_type = 'tool_use';

-- API calls: identity for dedupe, cache-write tiers, price provenance.
ALTER TABLE api_calls ADD COLUMN dedup_key TEXT;                    -- message id (Claude), thread+turn (Codex)
ALTER TABLE api_calls ADD COLUMN message_id TEXT;
ALTER TABLE api_calls ADD COLUMN request_id TEXT;
ALTER TABLE api_calls ADD COLUMN tokens_cache_write_5m BIGINT;
ALTER TABLE api_calls ADD COLUMN tokens_cache_write_1h BIGINT;
ALTER TABLE api_calls ADD COLUMN price_version TEXT;                -- price table version behind estimated_cost_usd
ALTER TABLE api_calls ADD COLUMN priced_as TEXT;                    -- price-table model id that matched
ALTER TABLE api_calls ADD COLUMN long_context INTEGER;              -- billed at the long-context rate
ALTER TABLE api_calls ADD COLUMN time_source TEXT;                  -- 'recorded' or 'observed'
ALTER TABLE api_calls ADD COLUMN is_sidechain INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_calls ADD COLUMN agent_session_id TEXT;
ALTER TABLE api_calls ADD COLUMN source TEXT;                       -- 'claude-stream-json', 'claude-session', 'codex-rollout', ...
ALTER TABLE api_calls ADD COLUMN source_file_id BIGINT;
ALTER TABLE api_calls ADD COLUMN source_offset BIGINT;

CREATE UNIQUE INDEX idx_api_calls_dedup ON api_calls(dedup_key);
CREATE INDEX idx_api_calls_timestamp ON api_calls(timestamp);

-- System events can name the worker and task they concern, and say where their time came from.
ALTER TABLE system_events ADD COLUMN worker_id TEXT;
ALTER TABLE system_events ADD COLUMN task_id TEXT;
ALTER TABLE system_events ADD COLUMN time_source TEXT;
CREATE INDEX idx_events_worker ON system_events(worker_id);
