package io.taclog.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.sink.Database;
import io.taclog.sink.WriteContext;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts timer route's step (routes/alerts.camel.yaml): evaluates the rules that are on, stores a
 * {@code system_events} row for each new episode in one short write transaction, and only after the commit hands
 * the new alerts to {@link AlertDelivery}'s own thread. Only the sidecar checks: a backfill loads history, and
 * last month's crossings are not news (the step then does nothing, like the stall check).
 */
public final class AlertCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertCheck.class);

    private final Database db;
    private final Clock clock;
    private final AlertSettings settings;
    private final boolean periodic;
    private final AlertRules rules;
    private final AlertDelivery delivery;

    public AlertCheck(Database db, AlertSettings settings, Clock clock, boolean periodic) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.periodic = periodic && settings.anyRule();
        this.rules = new AlertRules(settings);
        this.delivery = this.periodic ? new AlertDelivery(settings, new Recorder()) : null;
    }

    /** Alerts stored before the last stop but not delivered yet are delivered now (at least once per episode). */
    public void start() throws SQLException {
        if (!periodic) {
            return;
        }
        List<Alert> pending = WriteContext.transaction(db, clock.instant(), AlertEpisodes::pending);
        for (Alert a : pending) {
            if (delivery.hasChannels()) {
                delivery.submit(a);
            } else {
                WriteContext.transaction(db, clock.instant(), ctx -> {
                    AlertEpisodes.delivery(ctx, a.sourceKey(), "none");
                    return null;
                });
            }
        }
    }

    /** The timer route's step: returns the number of new alerts. */
    public int run() throws SQLException {
        if (!periodic) {
            return 0;
        }
        Instant now = clock.instant();
        List<AlertRules.Tracked> files = settings.ingestStuckAfter().isPresent()
                ? WriteContext.transaction(db, now, rules::tracked) : List.of();
        List<Finding> stuck = rules.ingestStuck(files, now); // reads the files outside any transaction
        List<Alert> fired = WriteContext.transaction(db, now, ctx -> evaluate(ctx, now, stuck));
        for (Alert a : fired) {
            LOG.warn("alert {}: {}", a.eventType(), a.message());
            if (delivery.hasChannels()) {
                delivery.submit(a);
            }
        }
        return fired.size();
    }

    private List<Alert> evaluate(WriteContext ctx, Instant now, List<Finding> stuck) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        findings.addAll(rules.dailyBudget(ctx, now));
        findings.addAll(rules.taskBudget(ctx, now));
        findings.addAll(rules.errorBurst(ctx, now));
        findings.addAll(rules.rejectsRising(ctx, now));
        if (settings.spawnLoop()) {
            findings.addAll(rules.fromEvents(ctx, now, "spawn_loop", "spawn_loop"));
        }
        if (settings.stalledWorker()) {
            findings.addAll(rules.fromEvents(ctx, now, "worker_stalled", "worker_stalled"));
        }
        findings.addAll(stuck);

        Set<String> rearming = new LinkedHashSet<>();
        if (settings.errorBurstCount().isPresent()) {
            rearming.add("error_burst");
        }
        if (settings.rejectsPerHour().isPresent()) {
            rearming.add("rejects_rising");
        }
        if (settings.ingestStuckAfter().isPresent()) {
            rearming.add("ingest_stuck");
        }
        Map<String, Map<String, String>> open = new HashMap<>();
        for (String type : rearming) {
            open.put(type, AlertEpisodes.open(ctx, type));
        }
        List<Alert> fired = new ArrayList<>();
        Map<String, Set<String>> holding = new HashMap<>();
        for (Finding f : findings) {
            if (f.rearms()) {
                holding.computeIfAbsent(f.type(), t -> new java.util.HashSet<>()).add(f.subject());
                if (open.getOrDefault(f.type(), Map.of()).containsKey(f.subject())) {
                    continue; // the episode goes on
                }
            }
            Alert a = AlertEpisodes.fire(ctx, f, now, delivery.hasChannels());
            if (a != null) {
                fired.add(a);
            }
        }
        for (var e : open.entrySet()) {
            for (var ep : e.getValue().entrySet()) {
                if (!holding.getOrDefault(e.getKey(), Set.of()).contains(ep.getKey())) {
                    AlertEpisodes.resolve(ctx, e.getKey(), ep.getKey(), ep.getValue(), now,
                            LineClassifier.JSON.createObjectNode().put("checked_at", io.taclog.model.Times.format(now)));
                }
            }
        }
        return fired;
    }

    /** Alerts dropped because the delivery queue was full, since the start. */
    public long dropped() {
        return delivery == null ? 0 : delivery.dropped();
    }

    @Override
    public void close() {
        if (delivery != null) {
            delivery.close();
        }
    }

    /** Records delivery outcomes through the writer, in transactions of their own (the network is done with). */
    private final class Recorder implements AlertDelivery.Outcomes {

        @Override
        public void delivered(Alert alert) {
            record(alert, "delivered", null, null, null);
        }

        @Override
        public void failed(Alert alert, String channel, int attempts, String lastError) {
            ObjectNode d = details(alert).put("channel", channel).put("attempts", attempts)
                    .put("last_error", lastError);
            record(alert, "failed", AlertEpisodes.DELIVERY_FAILED, "alert " + alert.eventType() + " ("
                    + alert.episodeKey() + ") could not be delivered via " + channel + " after " + attempts
                    + " attempts: " + lastError, d);
        }

        @Override
        public void dropped(Alert alert, long droppedTotal) {
            ObjectNode d = details(alert).put("dropped_total", droppedTotal).put("queue", settings.queue());
            record(alert, "dropped", AlertEpisodes.DELIVERY_DROPPED, "alert " + alert.eventType() + " ("
                    + alert.episodeKey() + ") not delivered: the delivery queue of " + settings.queue()
                    + " is full (" + droppedTotal + " dropped since the start)", d);
        }

        private ObjectNode details(Alert alert) {
            return LineClassifier.JSON.createObjectNode().put("alert", alert.type())
                    .put("episode_key", alert.episodeKey()).put("alert_event_id", alert.eventId())
                    .put("alert_source_key", alert.sourceKey());
        }

        private void record(Alert alert, String outcome, String eventType, String message, ObjectNode details) {
            Instant now = clock.instant();
            try {
                WriteContext.transaction(db, now, ctx -> {
                    AlertEpisodes.delivery(ctx, alert.sourceKey(), outcome);
                    if (eventType != null) {
                        String key = eventType.substring(AlertEpisodes.EVENT_PREFIX.length()) + ":"
                                + alert.sourceKey() + "@" + io.taclog.model.Times.format(now);
                        AlertEpisodes.event(ctx, null, now, eventType, "warning", message, details, key);
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                LOG.warn("cannot record the delivery of alert {} ({}): {}", alert.sourceKey(), outcome, e.getMessage());
            }
        }
    }
}
