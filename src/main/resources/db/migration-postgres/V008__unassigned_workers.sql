-- Schema v8: a worker that nothing links to a task keeps task_id NULL (docs/transcripts.md, "Linking to a task").
--
-- PostgreSQL form: PostgreSQL drops a NOT NULL with ALTER TABLE, so the table is not rebuilt as on SQLite; the check
-- and the data changes are the SQLite migration's.

ALTER TABLE worker_sessions ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE worker_sessions ADD CONSTRAINT worker_sessions_coordinator_task
    CHECK (task_id IS NOT NULL OR origin IS DISTINCT FROM 'coordinator');

UPDATE system_events SET task_id = NULL
WHERE worker_id IS NOT NULL AND task_id IN (
    SELECT w.task_id FROM worker_sessions w JOIN tasks t ON t.task_id = w.task_id
    WHERE w.worker_id = system_events.worker_id AND w.origin = 'transcript' AND t.source = 'transcript'
      AND (w.task_id = w.agent_session_id OR substr(w.task_id, 1, 5) = 'file:'));

UPDATE worker_sessions SET task_id = NULL
WHERE origin = 'transcript' AND task_id IS NOT NULL AND (task_id = agent_session_id OR substr(task_id, 1, 5) = 'file:')
  AND task_id IN (SELECT t.task_id FROM tasks t WHERE t.source = 'transcript');

DELETE FROM tasks
WHERE source = 'transcript'
  AND (substr(task_id, 1, 5) = 'file:' OR task_id IN (SELECT agent_session_id FROM agent_sessions))
  AND NOT EXISTS (SELECT 1 FROM worker_sessions w WHERE w.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM task_status_history h WHERE h.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM worktree_operations o WHERE o.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM action_triggers a WHERE a.task_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM logic_flow l WHERE l.context_id = tasks.task_id)
  AND NOT EXISTS (SELECT 1 FROM system_events e WHERE e.task_id = tasks.task_id);
