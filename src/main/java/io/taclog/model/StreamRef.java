package io.taclog.model;

/**
 * Which transcript stream a record belongs to, and what its file's path suggests about the worker.
 *
 * @param agentSessionId the stream's own id (Claude session id, Codex thread id); null for text lines
 *     that carry none
 * @param agent 'claude-code' or 'codex'
 * @param sourcePath the file the record was read from
 * @param workerHint worker id the path suggests (configurable pattern, default the file stem); null when
 *     the path says nothing better than the session id (Claude session files, subagent files)
 * @param taskHint task id the path suggests, or null
 */
public record StreamRef(String agentSessionId, String agent, String sourcePath, String workerHint, String taskHint) {
}
