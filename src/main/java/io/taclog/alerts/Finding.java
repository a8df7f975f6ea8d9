package io.taclog.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a rule sees now: a condition holding for one subject (a day, a task, a worker, the whole ingest).
 *
 * @param type the alert type ({@code daily_budget}, ...); the event type is {@code alert.<type>}
 * @param subject what the episode is about; with {@code rearms} false the subject alone is the episode (it fires
 *     once ever), otherwise an episode lasts while the condition holds and a later one fires again
 * @param evidence the figures, the window and the ids behind the alert
 */
public record Finding(String type, String subject, boolean rearms, String severity, String message,
                      ObjectNode evidence, String sessionId, String taskId, String workerId) {
}
