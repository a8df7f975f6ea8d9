-- Schema v3: the coordinator's own outputs (TAC-8 coordinator.log, the tasks.md work queue, the JSONL
-- event contract, the api-calls log) and the facts taclog derives from them. Additions only: the
-- seed's nine tables keep their columns and indexes (its queries run verbatim).
--
-- Conventions of the added columns:
--   time_source  where a stored time comes from: 'recorded' (written by the producer), 'observed'
--                (the time taclog read the line) or 'estimated' (reconstructed in a backfill);
--   source       which input a row came from: 'coordinator-log', 'work-queue', 'coordinator-event',
--                'coordinator-api-log', 'transcript' or 'derived';
--   source_key   natural key of the row made from one input line ('L<file_id>:<offset>' for a log
--                line, 'E<file_id>:<offset>' for an event, 'Q<snapshot hash>:...' for the queue), so a
--                line's later lines can update the row and nothing is stored twice;
--   derived      1 when taclog inferred the row (the coordinator never printed it), with its
--                reasoning and inputs in evidence.

-- Sessions ---------------------------------------------------------------------------------
ALTER TABLE coordinator_sessions ADD COLUMN time_source TEXT;          -- of started_at
ALTER TABLE coordinator_sessions ADD COLUMN ended_time_source TEXT;    -- of ended_at
ALTER TABLE coordinator_sessions ADD COLUMN source TEXT;               -- 'coordinator-log', 'coordinator-event', 'synthetic'
ALTER TABLE coordinator_sessions ADD COLUMN source_file TEXT;          -- the log or events file it was read from
ALTER TABLE coordinator_sessions ADD COLUMN source_key TEXT;           -- the line that opened it
ALTER TABLE coordinator_sessions ADD COLUMN last_seen_at TEXT;    -- newest line of the session
ALTER TABLE coordinator_sessions ADD COLUMN config_file TEXT;          -- coordinator config path (TAC-8 R02)
ALTER TABLE coordinator_sessions ADD COLUMN config_sha256 TEXT;        -- of the config file snapshotted into config
ALTER TABLE coordinator_sessions ADD COLUMN placeholder INTEGER NOT NULL DEFAULT 0; -- named by a record before its start arrived

-- Triggers, decisions, worktree operations, events: provenance of each row ----------------------
ALTER TABLE action_triggers ADD COLUMN time_source TEXT;
ALTER TABLE action_triggers ADD COLUMN source TEXT;
ALTER TABLE action_triggers ADD COLUMN source_key TEXT;
ALTER TABLE action_triggers ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE action_triggers ADD COLUMN evidence TEXT;
CREATE UNIQUE INDEX idx_triggers_source_key ON action_triggers(source_key) WHERE source_key IS NOT NULL;
CREATE INDEX idx_triggers_task ON action_triggers(task_id, timestamp);

ALTER TABLE logic_flow ADD COLUMN time_source TEXT;
ALTER TABLE logic_flow ADD COLUMN source TEXT;
ALTER TABLE logic_flow ADD COLUMN source_key TEXT;
ALTER TABLE logic_flow ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE logic_flow ADD COLUMN evidence TEXT;
CREATE UNIQUE INDEX idx_flow_source_key ON logic_flow(source_key) WHERE source_key IS NOT NULL;

ALTER TABLE worktree_operations ADD COLUMN time_source TEXT;
ALTER TABLE worktree_operations ADD COLUMN source TEXT;
ALTER TABLE worktree_operations ADD COLUMN source_key TEXT;
ALTER TABLE worktree_operations ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE worktree_operations ADD COLUMN evidence TEXT;
ALTER TABLE worktree_operations ADD COLUMN worker_id TEXT;            -- the worker the operation was made for
CREATE UNIQUE INDEX idx_worktree_ops_source_key ON worktree_operations(source_key) WHERE source_key IS NOT NULL;

ALTER TABLE system_events ADD COLUMN source TEXT;
ALTER TABLE system_events ADD COLUMN source_key TEXT;
ALTER TABLE system_events ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX idx_events_source_key ON system_events(source_key) WHERE source_key IS NOT NULL;
CREATE INDEX idx_events_task ON system_events(task_id, timestamp);

-- Tasks: the time source of each lifecycle time, retry state from the work queue's META line --
ALTER TABLE tasks ADD COLUMN time_source TEXT;                        -- of detected_at
ALTER TABLE tasks ADD COLUMN assigned_time_source TEXT;
ALTER TABLE tasks ADD COLUMN started_time_source TEXT;
ALTER TABLE tasks ADD COLUMN completed_time_source TEXT;
ALTER TABLE tasks ADD COLUMN failed_time_source TEXT;
ALTER TABLE tasks ADD COLUMN detection_seen INTEGER NOT NULL DEFAULT 0; -- a detection record arrived (not only a status or a worker)
ALTER TABLE tasks ADD COLUMN attempts BIGINT;                         -- META attempts (failed launches or runs)
ALTER TABLE tasks ADD COLUMN max_attempts BIGINT;
ALTER TABLE tasks ADD COLUMN failure_type TEXT;                        -- META last_failure / categorised error
ALTER TABLE tasks ADD COLUMN worker_id TEXT;                           -- latest worker assigned
ALTER TABLE tasks ADD COLUMN worktree_path TEXT;
ALTER TABLE tasks ADD COLUMN status_source TEXT;                       -- source of the latest transition

-- Workers: failure classification ------------------------------------------------------------
ALTER TABLE worker_sessions ADD COLUMN failure_type TEXT;
ALTER TABLE worker_sessions ADD COLUMN exit_source TEXT;               -- 'reaper' (K01), 'transcript', 'coordinator-event', 'work-queue'

-- Every task status transition, not only the latest -------------------------------------------
CREATE TABLE task_status_history (
    history_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    task_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    time_source TEXT NOT NULL,
    from_status TEXT,                     -- NULL for the first transition taclog saw
    to_status TEXT NOT NULL,
    worker_id TEXT,
    reason TEXT,
    source TEXT NOT NULL,                 -- 'work-queue', 'coordinator-log', 'coordinator-event', 'derived'
    derived INTEGER NOT NULL DEFAULT 0,
    evidence TEXT,                        -- why taclog inferred it (rule, inputs, the records it rests on)
    attempt BIGINT,                      -- retry attempt the transition belongs to (META attempts / R10)
    max_attempts BIGINT,
    failure_type TEXT,
    pid BIGINT,
    worktree_path TEXT,
    pr_number BIGINT,
    pr_url TEXT,
    source_key TEXT
    -- foreign keys of the SQLite form: declared there, enforced by neither back end (taclog links rows itself)
);
CREATE INDEX idx_task_history_task ON task_status_history(task_id, timestamp);
CREATE UNIQUE INDEX idx_task_history_source_key ON task_status_history(source_key) WHERE source_key IS NOT NULL;

-- Work-queue snapshots: each distinct version once (a re-read version is not applied twice) ---
CREATE TABLE work_queue_snapshots (
    snapshot_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    content_sha256 TEXT NOT NULL UNIQUE,
    file TEXT NOT NULL,
    observed_at TEXT NOT NULL,       -- when taclog read it
    last_updated TEXT,               -- its **Last updated:** line (recorded, converted to UTC)
    last_updated_local TEXT,              -- the same as written (naive local time)
    file_modified_at TEXT,
    bytes BIGINT NOT NULL,
    session_id TEXT,
    pending BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    unparsed_lines BIGINT NOT NULL DEFAULT 0,
    structure_sha256 TEXT NOT NULL,       -- hash of the content without the Last-updated line
    body TEXT,                            -- the parsed snapshot; NULL when equal to the previous structure
    applied INTEGER NOT NULL DEFAULT 1,   -- 0: older than a version already applied (kept, not diffed)
    changes BIGINT NOT NULL DEFAULT 0    -- facts its difference to the previous version produced
);
CREATE INDEX idx_queue_snapshots_time ON work_queue_snapshots(last_updated, snapshot_id);

-- Derived episodes: one warning per spawn loop or silent stretch, not one per sighting ----------
CREATE TABLE derived_episodes (
    episode_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,                   -- 'spawn_loop', 'stall'
    subject_id TEXT NOT NULL,             -- task id (spawn loop) or worker id (stall)
    marker TEXT NOT NULL,                 -- what identifies the episode (stall: the silence's start)
    session_id TEXT,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    last_member_at TEXT,
    event_source_key TEXT,                -- the warning in system_events
    UNIQUE (kind, subject_id, marker)
);
CREATE TABLE derived_episode_members (
    episode_id BIGINT NOT NULL,
    member_id TEXT NOT NULL,              -- worker ids of a spawn loop
    joined_at TEXT NOT NULL,
    PRIMARY KEY (episode_id, member_id)
);

-- Backfill time estimation: times a backfill stamped provisionally (the time the line was read),
-- and the recorded times that anchor the estimate. Emptied when the backfill finishes.
CREATE TABLE pending_estimates (
    table_name TEXT NOT NULL,
    row_key TEXT NOT NULL,
    column_name TEXT NOT NULL,
    file_id BIGINT NOT NULL,
    line_offset BIGINT NOT NULL,
    stamped TEXT NOT NULL,
    PRIMARY KEY (table_name, row_key, column_name)
);
CREATE TABLE time_anchors (
    file_id BIGINT NOT NULL,
    line_offset BIGINT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,                   -- 'spawn-started', 'launch-failed-at', 'file-modified'
    PRIMARY KEY (file_id, line_offset, kind)
);

-- Records that name a worker before its spawn arrived: applied when the spawn arrives ---------
CREATE TABLE deferred_facts (
    deferred_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,                   -- 'worker_status'
    subject_id TEXT NOT NULL,             -- worker id
    payload TEXT NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_deferred_subject ON deferred_facts(kind, subject_id);

-- What never linked: records still waiting for the other side ---------------------------------
CREATE VIEW unlinked_records AS
SELECT 'task' AS kind, task_id AS id, session_id,
       'no detection record (known only from ' || COALESCE(status_source, source) || ')' AS reason
FROM tasks WHERE detection_seen = 0
UNION ALL
SELECT 'worker', worker_id, session_id, 'transcript stream with no coordinator record of its worker'
FROM worker_sessions WHERE origin = 'transcript'
UNION ALL
SELECT 'worker', worker_id, session_id, 'coordinator worker whose transcript never appeared'
FROM worker_sessions WHERE origin = 'coordinator' AND agent_session_id IS NULL AND pid IS NOT NULL
UNION ALL
SELECT 'session', session_id, session_id, 'named by records, never started'
FROM coordinator_sessions WHERE placeholder = 1
UNION ALL
SELECT 'deferred', subject_id, NULL, kind || ' for a worker never spawned'
FROM deferred_facts;
