-- Schema v8: a worker that nothing links to a task keeps task_id NULL (docs/transcripts.md, "Linking to a task").
--
-- Until v7 a transcript that no coordinator worker claimed and whose path named no task was filed under a
-- placeholder task made from its stream key (the agent's session id, or 'file:<path>'): one made-up task per
-- transcript, which `query cost --by task` then listed as if it were work of a task. The seed declared
-- worker_sessions.task_id NOT NULL, and SQLite cannot drop a NOT NULL with ALTER TABLE, so the table is
-- rebuilt with SQLite's documented 12-step procedure (https://sqlite.org/lang_altertable.html#otheralter):
-- taclog's connections do not enforce foreign keys and the migrator runs this script in one transaction.
--
-- The view that reads worker_sessions goes first: renaming a table checks every view, and between the DROP
-- and the RENAME the view would name a table that does not exist.
DROP VIEW unlinked_records;

-- The same columns in the same order, task_id without NOT NULL. The CHECK keeps what NOT NULL guaranteed
-- for the coordinator's workers: the coordinator always says which task it spawned a worker for.
CREATE TABLE worker_sessions_v8 (
    worker_id TEXT PRIMARY KEY,           -- 'w-abc123'
    session_id TEXT NOT NULL,
    task_id TEXT,                         -- NULL: no coordinator record and no task in the path (unassigned)
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
    origin TEXT,                          -- 'coordinator', 'transcript'
    name_quality INTEGER NOT NULL DEFAULT 0, -- 3 coordinator, 2 path, 1 session id
    agent TEXT,                           -- 'claude-code', 'codex'
    agent_session_id TEXT,                -- main transcript session / thread id
    model TEXT,                           -- main-loop model
    cwd TEXT,
    time_source TEXT,                     -- of spawned_at: 'recorded', 'observed', 'estimated'
    first_activity_at TIMESTAMP,
    last_activity_at TIMESTAMP,           -- last transcript line seen (stall detection)
    reported_cost_usd REAL,               -- result.total_cost_usd
    result_subtype TEXT,                  -- 'success', 'error_max_turns', ...
    result_is_error BOOLEAN,
    result_text TEXT,
    duration_ms REAL,                     -- result.duration_ms
    duration_api_ms REAL,                 -- result.duration_api_ms
    num_turns INTEGER,
    result_usage JSON,                    -- result.usage as reported
    api_error_status INTEGER,
    failure_type TEXT,
    exit_source TEXT,                     -- 'reaper' (K01), 'transcript', 'coordinator-event', 'work-queue'
    FOREIGN KEY (session_id) REFERENCES coordinator_sessions(session_id),
    FOREIGN KEY (task_id) REFERENCES tasks(task_id),
    CHECK (task_id IS NOT NULL OR origin IS NOT 'coordinator')
);

-- rowids kept: a scan without ORDER BY sees the workers in the order it did before
INSERT INTO worker_sessions_v8 (rowid, worker_id, session_id, task_id, spawned_at, completed_at, failed_at, pid,
    status, exit_code, failure_reason, worktree_path, branch_name, prompt_file, log_file, origin, name_quality,
    agent, agent_session_id, model, cwd, time_source, first_activity_at, last_activity_at, reported_cost_usd,
    result_subtype, result_is_error, result_text, duration_ms, duration_api_ms, num_turns, result_usage,
    api_error_status, failure_type, exit_source)
SELECT rowid, worker_id, session_id, task_id, spawned_at, completed_at, failed_at, pid,
    status, exit_code, failure_reason, worktree_path, branch_name, prompt_file, log_file, origin, name_quality,
    agent, agent_session_id, model, cwd, time_source, first_activity_at, last_activity_at, reported_cost_usd,
    result_subtype, result_is_error, result_text, duration_ms, duration_api_ms, num_turns, result_usage,
    api_error_status, failure_type, exit_source
FROM worker_sessions;

DROP TABLE worker_sessions;
ALTER TABLE worker_sessions_v8 RENAME TO worker_sessions;

-- every index the table had (V001, V002, V004, V005), as they were defined
CREATE INDEX idx_workers_task ON worker_sessions(task_id);
CREATE INDEX idx_workers_session ON worker_sessions(session_id, spawned_at);
CREATE INDEX idx_workers_status ON worker_sessions(status);
CREATE INDEX idx_workers_agent_session ON worker_sessions(agent_session_id);
CREATE INDEX idx_workers_log_file ON worker_sessions(log_file);
CREATE INDEX idx_workers_reported_cost ON worker_sessions(worker_id) WHERE reported_cost_usd IS NOT NULL;

-- the view as V003 defined it
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

-- Existing data. A placeholder made from a stream key: a task the transcripts made (source 'transcript') whose
-- id is its worker's session id or a 'file:' key. A task the path named (gh-450) is evidence and stays.
--
-- 1. The events that copied such a worker's task (its stderr lines, its pull requests) drop it with the worker.
UPDATE system_events SET task_id = NULL
WHERE worker_id IS NOT NULL AND task_id IN (
    SELECT w.task_id FROM worker_sessions w JOIN tasks t ON t.task_id = w.task_id
    WHERE w.worker_id = system_events.worker_id AND w.origin = 'transcript' AND t.source = 'transcript'
      AND (w.task_id = w.agent_session_id OR substr(w.task_id, 1, 5) = 'file:'));

-- 2. Such a worker is unassigned.
UPDATE worker_sessions SET task_id = NULL
WHERE origin = 'transcript' AND task_id IS NOT NULL AND (task_id = agent_session_id OR substr(task_id, 1, 5) = 'file:')
  AND task_id IN (SELECT t.task_id FROM tasks t WHERE t.source = 'transcript');

-- 3. Its placeholder goes, unless anything else still names it (another worker, the coordinator's tables); so do
--    the stream-key placeholders that a coordinator's claim left behind with no worker (agent_sessions holds every
--    stream key ever seen).
DELETE FROM tasks
WHERE source = 'transcript'
  AND (substr(task_id, 1, 5) = 'file:' OR task_id IN (SELECT agent_session_id FROM agent_sessions))
  AND NOT EXISTS (SELECT 1 FROM worker_sessions w WHERE w.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM task_status_history h WHERE h.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM worktree_operations o WHERE o.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM action_triggers a WHERE a.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM logic_flow l WHERE l.context_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM system_events e WHERE e.task_id = tasks.task_id);
