-- Schema v1: the nine tables of the user's design document (seed section 2.2), verbatim,
-- plus taclog's ingest bookkeeping (file registry, ledger, quarantine, commit log).
-- Times are UTC ISO-8601 text with milliseconds and 'Z' (SQLite's date functions read them).

CREATE TABLE coordinator_sessions (
    session_id TEXT PRIMARY KEY,          -- UUID, e.g., 'ses-2025-11-03-abc123'
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    config JSON,                          -- Full config at startup
    exit_reason TEXT,                     -- 'normal', 'signal', 'error', etc.
    pid INTEGER,
    hostname TEXT,
    git_branch TEXT,
    git_commit TEXT,
    python_version TEXT,
    tac_version TEXT
);

CREATE TABLE action_triggers (
    trigger_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    trigger_type TEXT NOT NULL,           -- 'poll', 'issue_detected', 'label_added'
    trigger_source TEXT,                  -- 'github', 'filesystem', 'signal'
    trigger_data JSON,                    -- Full event details
    task_id TEXT,                         -- If resulted in task
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id)
);

CREATE INDEX idx_triggers_session ON action_triggers(session_id, timestamp);
CREATE INDEX idx_triggers_type ON action_triggers(trigger_type, timestamp);

CREATE TABLE logic_flow (
    flow_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    context_type TEXT NOT NULL,           -- 'coordinator', 'worker', 'task', 'worktree'
    context_id TEXT,                      -- ID of the object (task_id, worker_id)
    function_name TEXT NOT NULL,          -- Method/function making decision
    decision_point TEXT NOT NULL,         -- Description of decision
    decision_input JSON,                  -- Input state/data
    decision_output JSON,                 -- Output/result
    decision_reason TEXT,                 -- Human-readable explanation
    duration_ms REAL,                     -- Time spent in this decision
    source_file TEXT,                     -- Python file:line for navigation
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id)
);

CREATE INDEX idx_flow_session ON logic_flow(session_id, timestamp);
CREATE INDEX idx_flow_context ON logic_flow(context_type, context_id);
CREATE INDEX idx_flow_function ON logic_flow(function_name);

CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,             -- 'gh-450', 'manual-001', etc.
    session_id TEXT NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,                 -- 'github', 'manual', 'retry'
    issue_number INTEGER,
    issue_url TEXT,
    title TEXT,
    description TEXT,
    priority INTEGER,
    labels JSON,                          -- ['rpi-auto', 'priority:P1']
    assigned_at TIMESTAMP,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    failed_at TIMESTAMP,
    status TEXT NOT NULL,                 -- 'detected', 'assigned', 'active', 'completed', 'failed'
    failure_reason TEXT,
    pr_number INTEGER,
    pr_url TEXT,
    commits JSON,                         -- List of commit SHAs
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id)
);

CREATE INDEX idx_tasks_session ON tasks(session_id, detected_at);
CREATE INDEX idx_tasks_status ON tasks(status, detected_at);
CREATE INDEX idx_tasks_issue ON tasks(issue_number);

CREATE TABLE worker_sessions (
    worker_id TEXT PRIMARY KEY,           -- 'w-abc123'
    session_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    spawned_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    failed_at TIMESTAMP,
    pid INTEGER,
    status TEXT NOT NULL,                 -- 'spawned', 'running', 'completed', 'failed'
    exit_code INTEGER,
    failure_reason TEXT,
    worktree_path TEXT,
    branch_name TEXT,
    prompt_file TEXT,                     -- Path to prompt file
    log_file TEXT,                        -- Path to JSONL log file
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id),
    FOREIGN KEY (task_id) REFERENCES tasks(task_id)
);

CREATE INDEX idx_workers_task ON worker_sessions(task_id);
CREATE INDEX idx_workers_session ON worker_sessions(session_id, spawned_at);
CREATE INDEX idx_workers_status ON worker_sessions(status);

CREATE TABLE conversations (
    conversation_id INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id TEXT NOT NULL,
    message_index INTEGER NOT NULL,       -- Order within conversation
    timestamp TIMESTAMP NOT NULL,
    role TEXT NOT NULL,                   -- 'user', 'assistant', 'system'
    content TEXT NOT NULL,                -- Full message content (can be large)
    content_type TEXT,                    -- 'text', 'tool_use', 'tool_result'
    tool_name TEXT,                       -- If tool_use or tool_result
    tool_input JSON,                      -- If tool_use
    tool_output TEXT,                     -- If tool_result
    tool_success BOOLEAN,                 -- If tool_result
    FOREIGN KEY (worker_id) REFERENCES worker_sessions(worker_id),
    UNIQUE(worker_id, message_index)
);

CREATE INDEX idx_conversations_worker ON conversations(worker_id, message_index);
CREATE INDEX idx_conversations_tool ON conversations(tool_name, timestamp);

CREATE TABLE api_calls (
    call_id INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id TEXT NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    model TEXT NOT NULL,                  -- 'claude-sonnet-4-5', 'gpt-4', etc.
    provider TEXT,                        -- 'anthropic', 'openrouter', 'openai'
    tokens_input INTEGER,
    tokens_output INTEGER,
    tokens_total INTEGER,
    tokens_cached_read INTEGER,           -- Cache hits
    tokens_cached_write INTEGER,          -- Cache writes
    estimated_cost_usd REAL,
    actual_cost_usd REAL,                 -- If available from provider
    time_to_first_token_ms REAL,
    duration_ms REAL,
    tokens_per_second REAL,
    success BOOLEAN,
    error_message TEXT,
    error_code TEXT,
    FOREIGN KEY (worker_id) REFERENCES worker_sessions(worker_id)
);

CREATE INDEX idx_api_calls_worker ON api_calls(worker_id, timestamp);
CREATE INDEX idx_api_calls_model ON api_calls(model, timestamp);
CREATE INDEX idx_api_calls_date ON api_calls(date(timestamp));

CREATE TABLE worktree_operations (
    operation_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    operation TEXT NOT NULL,              -- 'create', 'remove', 'preserve', 'check'
    worktree_path TEXT NOT NULL,
    branch_name TEXT,
    decision_reason TEXT,                 -- Why was this action taken?
    had_changes BOOLEAN,                  -- git status showed changes
    was_clean BOOLEAN,                    -- git status clean
    worker_running BOOLEAN,               -- Worker process was running
    worker_pid INTEGER,
    file_mtime_age_minutes REAL,          -- Most recent file modification age
    decision_logic JSON,                  -- Full decision inputs/reasoning
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id),
    FOREIGN KEY (task_id) REFERENCES tasks(task_id)
);

CREATE INDEX idx_worktree_ops_task ON worktree_operations(task_id, timestamp);
CREATE INDEX idx_worktree_ops_operation ON worktree_operations(operation, timestamp);

CREATE TABLE system_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,             -- 'startup', 'shutdown', 'error', 'warning'
    severity TEXT NOT NULL,               -- 'debug', 'info', 'warning', 'error', 'critical'
    component TEXT,                       -- Which component logged this
    message TEXT NOT NULL,
    details JSON,                         -- Additional structured data
    stack_trace TEXT,                     -- If exception
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id)
);

CREATE INDEX idx_events_session ON system_events(session_id, timestamp, severity);
CREATE INDEX idx_events_type ON system_events(event_type, severity);

-- Ingest bookkeeping ------------------------------------------------------------------------

-- One row per file generation. A generation ends when the file is truncated or rewritten
-- (state 'superseded'); its successor starts again at byte 0 (or later, for an adopted copy).
CREATE TABLE ingest_files (
    file_id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_kind TEXT NOT NULL,            -- 'transcripts', 'coordinator-log', 'coordinator-events'
    path TEXT NOT NULL,                   -- path the generation was last seen at
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    first_line_hash TEXT NOT NULL,        -- SHA-256 (128 bits, hex) of the first line (max 4 KiB)
    start_offset INTEGER NOT NULL DEFAULT 0,
    committed_offset INTEGER NOT NULL,    -- everything before it is committed
    marker_hash TEXT,                     -- hash of the bytes just before committed_offset
    marker_length INTEGER NOT NULL DEFAULT 0,
    start_parse_state TEXT,               -- parser state at start_offset (adopted copies)
    parse_state TEXT,                     -- parser state at committed_offset
    state TEXT NOT NULL DEFAULT 'active', -- 'active', 'detached', 'superseded'
    state_reason TEXT,
    adopted_from INTEGER REFERENCES ingest_files(file_id),
    first_seen_at TEXT NOT NULL,
    state_changed_at TEXT,
    last_commit_at TEXT
);

CREATE INDEX idx_ingest_files_identity ON ingest_files(source_kind, device, inode, file_id);
CREATE INDEX idx_ingest_files_first_line ON ingest_files(source_kind, first_line_hash);

-- Every path a generation was seen at (renames, rotations).
CREATE TABLE ingest_file_paths (
    file_id INTEGER NOT NULL REFERENCES ingest_files(file_id),
    path TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (file_id, path)
) WITHOUT ROWID;

-- Per-generation ledger: lines_read = lines_with_rows + lines_skipped + lines_rejected.
CREATE TABLE ingest_ledger (
    file_id INTEGER PRIMARY KEY REFERENCES ingest_files(file_id),
    lines_read INTEGER NOT NULL DEFAULT 0,
    lines_with_rows INTEGER NOT NULL DEFAULT 0,
    lines_skipped INTEGER NOT NULL DEFAULT 0,
    lines_rejected INTEGER NOT NULL DEFAULT 0,
    fragments_recovered INTEGER NOT NULL DEFAULT 0, -- torn records quarantined beside a recovered one
    rows_written INTEGER NOT NULL DEFAULT 0,        -- facts stored (rows, upserts included)
    bytes_committed INTEGER NOT NULL DEFAULT 0,
    nul_bytes_skipped INTEGER NOT NULL DEFAULT 0,
    nul_runs_skipped INTEGER NOT NULL DEFAULT 0,
    batches INTEGER NOT NULL DEFAULT 0
);

-- Skipped lines by reason (sums to ingest_ledger.lines_skipped).
CREATE TABLE ingest_skips (
    file_id INTEGER NOT NULL REFERENCES ingest_files(file_id),
    reason TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (file_id, reason)
) WITHOUT ROWID;

-- Quarantine: every rejected line (kind 'line') and torn fragment (kind 'fragment').
CREATE TABLE ingest_rejects (
    reject_id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id INTEGER NOT NULL REFERENCES ingest_files(file_id),
    path TEXT NOT NULL,
    byte_offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'line',
    error TEXT NOT NULL,
    head TEXT,                            -- first bytes of the line, for a human to look at
    rejected_at TEXT NOT NULL,
    UNIQUE (file_id, byte_offset, kind)
);

-- Every committed byte range; ranges of a generation are contiguous and never overlap.
CREATE TABLE ingest_commits (
    file_id INTEGER NOT NULL REFERENCES ingest_files(file_id),
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    committed_at TEXT NOT NULL,
    PRIMARY KEY (file_id, start_offset)
) WITHOUT ROWID;
