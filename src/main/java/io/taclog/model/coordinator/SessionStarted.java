package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A coordinator session begins (TAC-8 banner or the first line of a log generation; a
 * {@code start_session} event).
 *
 * @param configJson configuration snapshot (JSON object) or null
 * @param closeOpenOfSameFile end other open sessions read from the same file path (a restart of the
 *     coordinator that truncated or continued its log)
 * @param placeholder created only because another record named it
 */
public record SessionStarted(String sessionId, Stamp when, String source, String sourceFile, String sourceKey,
                             String configJson, Integer pid, String hostname, String gitBranch, String gitCommit,
                             String pythonVersion, String tacVersion, boolean closeOpenOfSameFile,
                             boolean placeholder) implements Fact {
}
