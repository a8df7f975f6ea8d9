package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * More about a running session: configuration values (merged into its config JSON), the config file
 * snapshot, the exit reason a signal announces.
 *
 * @param configPatchJson JSON object merged into the session's config (RFC 7386), or null
 */
public record SessionUpdated(String sessionId, Stamp when, String configPatchJson, String configFile,
                             String configSha256, String exitReason) implements Fact {
}
