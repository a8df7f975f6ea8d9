package io.taclog.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import java.time.Instant;

/**
 * A fired alert: the {@code system_events} row written for one episode, as it is delivered.
 *
 * @param sourceKey the row's {@code source_key}, {@code alert:<type>:<episodeKey>}: unique, so an episode is
 *     stored (and delivered) once, across restarts
 */
public record Alert(long eventId, String sourceKey, String type, String severity, String episodeKey,
                    String message, ObjectNode evidence, Instant time, String taskId, String workerId) {

    public String eventType() {
        return AlertEpisodes.EVENT_PREFIX + type;
    }

    /** The JSON body sent to the webhook and to the command's standard input (docs/alerts.md). */
    public String json(String host) {
        ObjectNode o = LineClassifier.JSON.createObjectNode();
        o.put("alert", type);
        o.put("event_type", eventType());
        o.put("severity", severity);
        o.put("episode_key", episodeKey);
        o.put("message", message);
        o.set("evidence", evidence);
        o.put("time", Times.format(time));
        o.put("host", host);
        o.put("event_id", eventId);
        if (taskId != null) {
            o.put("task_id", taskId);
        }
        if (workerId != null) {
            o.put("worker_id", workerId);
        }
        return o.toString();
    }
}
