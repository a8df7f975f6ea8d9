package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A row of {@code system_events}, keyed by the line it came from. A second fact with the same key
 * merges into the first: its details are merged, its other non-null fields replace the stored ones
 * (a traceback's exception line renames its event, a later line attaches an exit code).
 */
public record CoordinatorEvent(String key, String sessionId, Stamp when, String eventType, String severity,
                               String component, String message, String detailsJson, String stackTrace,
                               String workerId, String taskId, String source, boolean derived) implements Fact {

    /** A merge into an existing event: only the given fields change. */
    public static CoordinatorEvent patch(String key, String sessionId, Stamp when, String detailsJson) {
        return new CoordinatorEvent(key, sessionId, when, null, null, null, null, detailsJson, null, null, null, null,
                false);
    }
}
