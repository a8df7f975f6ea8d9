package io.taclog.alerts;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code taclog.alerts.*} keys, parsed (and so validated) by {@link TaclogConfig} at start: which rules are on,
 * their thresholds, and where alerts go.
 *
 * @param roots the followed paths (the ingest-stuck rule looks only at files under them)
 */
public record AlertSettings(Optional<Double> dailyBudgetUsd, Optional<Double> taskBudgetUsd,
                            Optional<Integer> errorBurstCount, Duration errorBurstWindow, boolean spawnLoop,
                            boolean stalledWorker, Optional<Duration> ingestStuckAfter,
                            Optional<Integer> rejectsPerHour, Optional<URI> webhook, List<String> command,
                            Duration timeout, int retries, Duration backoff, int queue, ZoneId zone,
                            List<Path> roots) {

    public static AlertSettings of(TaclogConfig c) {
        List<Path> roots = new ArrayList<>(c.get(ConfigKeys.WATCH));
        roots.addAll(c.get(ConfigKeys.COORDINATOR_LOG));
        roots.addAll(c.get(ConfigKeys.COORDINATOR_EVENTS));
        return new AlertSettings(c.get(ConfigKeys.ALERTS_DAILY_BUDGET), c.get(ConfigKeys.ALERTS_TASK_BUDGET),
                c.get(ConfigKeys.ALERTS_ERROR_BURST_COUNT),
                Duration.ofMinutes(c.get(ConfigKeys.ALERTS_ERROR_BURST_MINUTES)), c.get(ConfigKeys.ALERTS_SPAWN_LOOP),
                c.get(ConfigKeys.ALERTS_STALLED_WORKER), c.get(ConfigKeys.ALERTS_INGEST_STUCK).map(Duration::ofMinutes),
                c.get(ConfigKeys.ALERTS_REJECTS_PER_HOUR), c.get(ConfigKeys.ALERTS_WEBHOOK),
                c.get(ConfigKeys.ALERTS_COMMAND), Duration.ofMillis(c.get(ConfigKeys.ALERTS_TIMEOUT)),
                c.get(ConfigKeys.ALERTS_RETRIES), Duration.ofMillis(c.get(ConfigKeys.ALERTS_BACKOFF)),
                c.get(ConfigKeys.ALERTS_QUEUE),
                c.get(ConfigKeys.ALERTS_TIMEZONE).orElse(c.get(ConfigKeys.TIMEZONE)), List.copyOf(roots));
    }

    /** True when at least one rule is on. */
    public boolean anyRule() {
        return dailyBudgetUsd.isPresent() || taskBudgetUsd.isPresent() || errorBurstCount.isPresent() || spawnLoop
                || stalledWorker || ingestStuckAfter.isPresent() || rejectsPerHour.isPresent();
    }

    /** True when alerts go somewhere besides the database. */
    public boolean anyChannel() {
        return webhook.isPresent() || !command.isEmpty();
    }
}
