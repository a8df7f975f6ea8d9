package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A task is known to exist: created if new, otherwise missing details are filled in. {@code detection}
 * says whether this is a detection record (a new queue entry, a {@code task_detected} event) or only
 * a mention (a spawn line, a retry line).
 */
public record TaskObserved(String sessionId, String taskId, Stamp when, String taskSource, Integer issueNumber,
                           String issueUrl, String title, String description, Integer priority, String labelsJson,
                           String origin, boolean detection) implements Fact {
}
