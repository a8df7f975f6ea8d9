-- Schema v1: the nine tables of the user's design document (seed section 2.2), verbatim,
-- plus taclog's ingest bookkeeping (file registry, ledger, quarantine, commit log).
-- Times are UTC ISO-8601 text with milliseconds and 'Z' (SQLite's date functions read them).
--
-- PostgreSQL form (docs/operations.md, "PostgreSQL"): the same tables, columns and keys as the SQLite migration of
-- the same number. Types: INTEGER -> BIGINT (tokens, offsets, ids pass 2^31), REAL -> DOUBLE PRECISION, TIMESTAMP and
-- JSON -> TEXT (the same ISO-8601 text, so times compare and sort alike), BOOLEAN -> INTEGER (0/1, as SQLite stores
-- it: the shared SQL says `= 1`), AUTOINCREMENT -> identity. The functions below give PostgreSQL the few SQLite
-- functions the shared SQL uses, with SQLite's meaning, so that the writers and queries keep one SQL text.

-- MAX(a, b) / MIN(a, b) of two values: NULL if either is NULL (SQLite), unlike GREATEST/LEAST
CREATE FUNCTION max(BIGINT, BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE GREATEST($1, $2) END';
CREATE FUNCTION max(DOUBLE PRECISION, DOUBLE PRECISION) RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE GREATEST($1, $2) END';
CREATE FUNCTION max(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE GREATEST($1, $2) END';
CREATE FUNCTION min(BIGINT, BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE LEAST($1, $2) END';
CREATE FUNCTION min(DOUBLE PRECISION, DOUBLE PRECISION) RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE LEAST($1, $2) END';
CREATE FUNCTION min(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $1 IS NULL OR $2 IS NULL THEN NULL ELSE LEAST($1, $2) END';
-- MIN/MAX of three or more texts (times): NULL if any is NULL, as in SQLite
CREATE FUNCTION min(VARIADIC TEXT[]) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN array_position($1, NULL) IS NOT NULL THEN NULL ELSE (SELECT min(x) FROM unnest($1) x) END';
CREATE FUNCTION max(VARIADIC TEXT[]) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN array_position($1, NULL) IS NOT NULL THEN NULL ELSE (SELECT max(x) FROM unnest($1) x) END';
-- julianday of an ISO-8601 UTC text (differences of two are days, as in SQLite)
CREATE FUNCTION julianday(TEXT) RETURNS DOUBLE PRECISION LANGUAGE sql STABLE
    AS 'SELECT EXTRACT(EPOCH FROM $1::timestamptz)::DOUBLE PRECISION / 86400.0 + 2440587.5';
-- ROUND(x, n) of a double (PostgreSQL rounds only numeric to n places)
CREATE FUNCTION round(DOUBLE PRECISION, INTEGER) RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE
    AS 'SELECT round($1::numeric, $2)::DOUBLE PRECISION';
-- TOTAL(x): the sum as a double, 0.0 over no rows
CREATE AGGREGATE total(DOUBLE PRECISION) (SFUNC = float8pl, STYPE = DOUBLE PRECISION, INITCOND = '0');
-- SUM of a condition: SQLite counts true as 1
CREATE FUNCTION taclog_sum_bool(BIGINT, BOOLEAN) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS 'SELECT COALESCE($1, 0) + CASE WHEN $2 THEN 1 ELSE 0 END';
CREATE AGGREGATE sum(BOOLEAN) (SFUNC = taclog_sum_bool, STYPE = BIGINT);
-- GROUP_CONCAT(x): comma-separated, NULLs left out
CREATE FUNCTION taclog_concat(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || '','' || $2 END';
CREATE AGGREGATE group_concat(TEXT) (SFUNC = taclog_concat, STYPE = TEXT);
CREATE FUNCTION taclog_concat(TEXT, DOUBLE PRECISION) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT taclog_concat($1, $2::text)';
CREATE AGGREGATE group_concat(DOUBLE PRECISION) (SFUNC = taclog_concat, STYPE = TEXT);
-- json_extract(json, '$.a.b') as text (numbers compare as text: the shared SQL casts where it compares)
CREATE FUNCTION json_extract(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT ($1::jsonb) #>> string_to_array(substr($2, 3), ''.'')';
-- json('true'): a JSON value inside a built object (json_object is jsonb_build_object, see PostgresSql)
CREATE FUNCTION json(TEXT) RETURNS JSONB LANGUAGE sql IMMUTABLE AS 'SELECT $1::jsonb';
CREATE FUNCTION json_array() RETURNS TEXT LANGUAGE sql IMMUTABLE AS 'SELECT ''[]''::text';
-- JSON text as SQLite writes it: compact ({"a":1,"b":"x"}), keys in the order given. taclog_json_min re-writes an
-- object so (json_object is json_build_object under it, see PostgresSql), json_patch keeps the document's key order
-- and appends the patch's new keys, as SQLite's does; a null in the patch removes the key (RFC 7396)
CREATE FUNCTION taclog_json_min(JSON) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT '{' || COALESCE(string_agg(to_json(e.key)::text || ':' || e.value::text, ',' ORDER BY e.ord), '') || '}'
    FROM json_each($1) WITH ORDINALITY e(key, value, ord)
$$;
CREATE FUNCTION json_patch(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT '{' || COALESCE(string_agg(to_json(x.k)::text || ':' || x.v, ',' ORDER BY x.o), '') || '}'
    FROM (
        SELECT d.key AS k, COALESCE(p.value::text, d.value::text) AS v, d.ord AS o
        FROM json_each(COALESCE($1, '{}')::json) WITH ORDINALITY d(key, value, ord)
        LEFT JOIN json_each($2::json) p ON p.key = d.key
        WHERE p.key IS NULL OR p.value::text <> 'null'
        UNION ALL
        SELECT p.key, p.value::text, 1000000 + p.ord
        FROM json_each($2::json) WITH ORDINALITY p(key, value, ord)
        WHERE p.value::text <> 'null'
          AND NOT EXISTS (SELECT 1 FROM json_each(COALESCE($1, '{}')::json) d WHERE d.key = p.key)
    ) x
$$;
-- json_insert(array, '$[#]', value): the value appended to the array (the only form taclog uses)
CREATE FUNCTION json_insert(TEXT, TEXT, TEXT) RETURNS JSONB LANGUAGE sql IMMUTABLE
    AS 'SELECT COALESCE($1, ''[]'')::jsonb || jsonb_build_array($3)';
-- json_set(doc, path, value, ...): the spawn-loop event's three keys (workers, spawns, rules)
CREATE FUNCTION json_set(TEXT, TEXT, JSONB, TEXT, BIGINT, TEXT, JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE
    AS 'SELECT jsonb_set(jsonb_set(jsonb_set(COALESCE($1, ''{}'')::jsonb, ARRAY[substr($2, 3)], $3),
        ARRAY[substr($4, 3)], to_jsonb($5)), ARRAY[substr($6, 3)], $7)::text';
-- json_set(doc, '$.a' or '$.a.b', text): the text set as a JSON string (a missing parent object made), written as
-- SQLite writes it (through json_patch: the document's key order kept, a new key last)
CREATE FUNCTION json_set(TEXT, TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN array_length(p, 1) = 1
        THEN json_patch($1, taclog_json_min(json_build_object(p[1], $3)))
        ELSE json_patch($1, '{' || to_json(p[1])::text || ':'
            || json_patch(COALESCE($1, '{}')::json ->> p[1], taclog_json_min(json_build_object(p[2], $3))) || '}')
        END
    FROM (SELECT string_to_array(substr($2, 3), '.') AS p) x
$$;
-- json_each(array) of a JSON array of strings: one row per element, column value (SQLite's json_each)
CREATE FUNCTION taclog_json_each(TEXT) RETURNS TABLE(value TEXT) LANGUAGE sql IMMUTABLE
    AS 'SELECT jsonb_array_elements_text($1::jsonb)';

CREATE TABLE coordinator_sessions (
    session_id TEXT PRIMARY KEY,          -- UUID, e.g., 'ses-2025-11-03-abc123'
    started_at TEXT NOT NULL,
    ended_at TEXT,
    config TEXT,                          -- Full config at startup
    exit_reason TEXT,                     -- 'normal', 'signal', 'error', etc.
    pid BIGINT,
    hostname TEXT,
    git_branch TEXT,
    git_commit TEXT,
    python_version TEXT,
    tac_version TEXT,
    -- PostgreSQL only: SQLite's implicit rowid (insertion order), which "the newest session" reads
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE TABLE action_triggers (
    trigger_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    trigger_type TEXT NOT NULL,           -- 'poll', 'issue_detected', 'label_added'
    trigger_source TEXT,                  -- 'github', 'filesystem', 'signal'
    trigger_data TEXT,                    -- Full event details
    task_id TEXT                         -- If resulted in task
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_triggers_session ON action_triggers(session_id, timestamp);
CREATE INDEX idx_triggers_type ON action_triggers(trigger_type, timestamp);

CREATE TABLE logic_flow (
    flow_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    context_type TEXT NOT NULL,           -- 'coordinator', 'worker', 'task', 'worktree'
    context_id TEXT,                      -- ID of the object (task_id, worker_id)
    function_name TEXT NOT NULL,          -- Method/function making decision
    decision_point TEXT NOT NULL,         -- Description of decision
    decision_input TEXT,                  -- Input state/data
    decision_output TEXT,                 -- Output/result
    decision_reason TEXT,                 -- Human-readable explanation
    duration_ms DOUBLE PRECISION,                     -- Time spent in this decision
    source_file TEXT                     -- Python file:line for navigation
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_flow_session ON logic_flow(session_id, timestamp);
CREATE INDEX idx_flow_context ON logic_flow(context_type, context_id);
CREATE INDEX idx_flow_function ON logic_flow(function_name);

CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,             -- 'gh-450', 'manual-001', etc.
    session_id TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    source TEXT NOT NULL,                 -- 'github', 'manual', 'retry'
    issue_number BIGINT,
    issue_url TEXT,
    title TEXT,
    description TEXT,
    priority BIGINT,
    labels TEXT,                          -- ['rpi-auto', 'priority:P1']
    assigned_at TEXT,
    started_at TEXT,
    completed_at TEXT,
    failed_at TEXT,
    status TEXT NOT NULL,                 -- 'detected', 'assigned', 'active', 'completed', 'failed'
    failure_reason TEXT,
    pr_number BIGINT,
    pr_url TEXT,
    commits TEXT                         -- List of commit SHAs
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_tasks_session ON tasks(session_id, detected_at);
CREATE INDEX idx_tasks_status ON tasks(status, detected_at);
CREATE INDEX idx_tasks_issue ON tasks(issue_number);

CREATE TABLE worker_sessions (
    worker_id TEXT PRIMARY KEY,           -- 'w-abc123'
    session_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    spawned_at TEXT NOT NULL,
    completed_at TEXT,
    failed_at TEXT,
    pid BIGINT,
    status TEXT NOT NULL,                 -- 'spawned', 'running', 'completed', 'failed'
    exit_code BIGINT,
    failure_reason TEXT,
    worktree_path TEXT,
    branch_name TEXT,
    prompt_file TEXT,                     -- Path to prompt file
    log_file TEXT                        -- Path to JSONL log file
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_workers_task ON worker_sessions(task_id);
CREATE INDEX idx_workers_session ON worker_sessions(session_id, spawned_at);
CREATE INDEX idx_workers_status ON worker_sessions(status);

CREATE TABLE conversations (
    conversation_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    worker_id TEXT NOT NULL,
    message_index BIGINT NOT NULL,       -- Order within conversation
    timestamp TEXT NOT NULL,
    role TEXT NOT NULL,                   -- 'user', 'assistant', 'system'
    content TEXT NOT NULL,                -- Full message content (can be large)
    content_type TEXT,                    -- 'text', 'tool_use', 'tool_result'
    tool_name TEXT,                       -- If tool_use or tool_result
    tool_input TEXT,                      -- If tool_use
    tool_output TEXT,                     -- If tool_result
    tool_success INTEGER,                 -- If tool_result
    UNIQUE(worker_id, message_index)
);

CREATE INDEX idx_conversations_worker ON conversations(worker_id, message_index);
CREATE INDEX idx_conversations_tool ON conversations(tool_name, timestamp);

CREATE TABLE api_calls (
    call_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    worker_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    model TEXT NOT NULL,                  -- 'claude-sonnet-4-5', 'gpt-4', etc.
    provider TEXT,                        -- 'anthropic', 'openrouter', 'openai'
    tokens_input BIGINT,
    tokens_output BIGINT,
    tokens_total BIGINT,
    tokens_cached_read BIGINT,           -- Cache hits
    tokens_cached_write BIGINT,          -- Cache writes
    estimated_cost_usd DOUBLE PRECISION,
    actual_cost_usd DOUBLE PRECISION,                 -- If available from provider
    time_to_first_token_ms DOUBLE PRECISION,
    duration_ms DOUBLE PRECISION,
    tokens_per_second DOUBLE PRECISION,
    success INTEGER,
    error_message TEXT,
    error_code TEXT
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_api_calls_worker ON api_calls(worker_id, timestamp);
CREATE INDEX idx_api_calls_model ON api_calls(model, timestamp);
CREATE INDEX idx_api_calls_date ON api_calls((substr(timestamp, 1, 10)));

CREATE TABLE worktree_operations (
    operation_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    operation TEXT NOT NULL,              -- 'create', 'remove', 'preserve', 'check'
    worktree_path TEXT NOT NULL,
    branch_name TEXT,
    decision_reason TEXT,                 -- Why was this action taken?
    had_changes INTEGER,                  -- git status showed changes
    was_clean INTEGER,                    -- git status clean
    worker_running INTEGER,               -- Worker process was running
    worker_pid BIGINT,
    file_mtime_age_minutes DOUBLE PRECISION,          -- Most recent file modification age
    decision_logic TEXT                  -- Full decision inputs/reasoning
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_worktree_ops_task ON worktree_operations(task_id, timestamp);
CREATE INDEX idx_worktree_ops_operation ON worktree_operations(operation, timestamp);

CREATE TABLE system_events (
    event_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    event_type TEXT NOT NULL,             -- 'startup', 'shutdown', 'error', 'warning'
    severity TEXT NOT NULL,               -- 'debug', 'info', 'warning', 'error', 'critical'
    component TEXT,                       -- Which component logged this
    message TEXT NOT NULL,
    details TEXT,                         -- Additional structured data
    stack_trace TEXT                     -- If exception
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);

CREATE INDEX idx_events_session ON system_events(session_id, timestamp, severity);
CREATE INDEX idx_events_type ON system_events(event_type, severity);

-- Ingest bookkeeping ------------------------------------------------------------------------

-- One row per file generation. A generation ends when the file is truncated or rewritten
-- (state 'superseded'); its successor starts again at byte 0 (or later, for an adopted copy).
CREATE TABLE ingest_files (
    file_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    source_kind TEXT NOT NULL,            -- 'transcripts', 'coordinator-log', 'coordinator-events'
    path TEXT NOT NULL,                   -- path the generation was last seen at
    device BIGINT NOT NULL,
    inode BIGINT NOT NULL,
    first_line_hash TEXT NOT NULL,        -- SHA-256 (128 bits, hex) of the first line (max 4 KiB)
    start_offset BIGINT NOT NULL DEFAULT 0,
    committed_offset BIGINT NOT NULL,    -- everything before it is committed
    marker_hash TEXT,                     -- hash of the bytes just before committed_offset
    marker_length BIGINT NOT NULL DEFAULT 0,
    start_parse_state TEXT,               -- parser state at start_offset (adopted copies)
    parse_state TEXT,                     -- parser state at committed_offset
    state TEXT NOT NULL DEFAULT 'active', -- 'active', 'detached', 'superseded'
    state_reason TEXT,
    adopted_from BIGINT,
    first_seen_at TEXT NOT NULL,
    state_changed_at TEXT,
    last_commit_at TEXT,
    -- PostgreSQL only: the sidecar (taclog.host-id) whose file this is; each sidecar loads and writes only its own
    -- host's rows, so devices and inodes of different hosts never meet (SQLite: one host's file by construction)
    host_id TEXT NOT NULL DEFAULT ''
);

CREATE INDEX idx_ingest_files_identity ON ingest_files(source_kind, device, inode, file_id);
CREATE INDEX idx_ingest_files_host ON ingest_files(host_id, file_id);
CREATE INDEX idx_ingest_files_first_line ON ingest_files(source_kind, first_line_hash);

-- Every path a generation was seen at (renames, rotations).
CREATE TABLE ingest_file_paths (
    file_id BIGINT NOT NULL,
    path TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (file_id, path)
);

-- Per-generation ledger: lines_read = lines_with_rows + lines_skipped + lines_rejected.
CREATE TABLE ingest_ledger (
    file_id BIGINT PRIMARY KEY,
    lines_read BIGINT NOT NULL DEFAULT 0,
    lines_with_rows BIGINT NOT NULL DEFAULT 0,
    lines_skipped BIGINT NOT NULL DEFAULT 0,
    lines_rejected BIGINT NOT NULL DEFAULT 0,
    fragments_recovered BIGINT NOT NULL DEFAULT 0, -- torn records quarantined beside a recovered one
    rows_written BIGINT NOT NULL DEFAULT 0,        -- facts stored (rows, upserts included)
    bytes_committed BIGINT NOT NULL DEFAULT 0,
    nul_bytes_skipped BIGINT NOT NULL DEFAULT 0,
    nul_runs_skipped BIGINT NOT NULL DEFAULT 0,
    batches BIGINT NOT NULL DEFAULT 0
);

-- Skipped lines by reason (sums to ingest_ledger.lines_skipped).
CREATE TABLE ingest_skips (
    file_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    lines BIGINT NOT NULL,
    PRIMARY KEY (file_id, reason)
);

-- Quarantine: every rejected line (kind 'line') and torn fragment (kind 'fragment').
CREATE TABLE ingest_rejects (
    reject_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    file_id BIGINT NOT NULL,
    path TEXT NOT NULL,
    byte_offset BIGINT NOT NULL,
    length BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'line',
    error TEXT NOT NULL,
    head TEXT,                            -- first bytes of the line, for a human to look at
    rejected_at TEXT NOT NULL,
    UNIQUE (file_id, byte_offset, kind)
);

-- Every committed byte range; ranges of a generation are contiguous and never overlap.
CREATE TABLE ingest_commits (
    file_id BIGINT NOT NULL,
    start_offset BIGINT NOT NULL,
    end_offset BIGINT NOT NULL,
    lines BIGINT NOT NULL,
    committed_at TEXT NOT NULL,
    PRIMARY KEY (file_id, start_offset)
);
