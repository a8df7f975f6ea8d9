package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A row of {@code logic_flow}, keyed by the line that opened the decision. Later lines of the same
 * group send the same key: inputs and outputs are merged (RFC 7386), other non-null fields replace.
 */
public record DecisionObserved(String key, String sessionId, Stamp when, String contextType, String contextId,
                               String functionName, String decisionPoint, String inputJson, String outputJson,
                               String reason, Double durationMs, String sourceFile, String source, boolean derived,
                               String evidenceJson) implements Fact {
}
