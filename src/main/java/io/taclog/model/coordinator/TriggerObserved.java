package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/** A row of {@code action_triggers}: what made the coordinator act (poll, issue detected, signal...). */
public record TriggerObserved(String key, String sessionId, Stamp when, String triggerType, String triggerSource,
                              String dataJson, String taskId, String source, boolean derived,
                              String evidenceJson) implements Fact {
}
