package io.taclog.app;

import io.taclog.ingest.IngestMonitor;
import io.taclog.sink.coordinator.WorkQueueIngest;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work-queue route's step (bean {@code workQueue}): applies one version of a tasks.md and tells the
 * ingest monitor that the file was read, so a backfill waits for the queue as it waits for the tailed
 * files. Plain Java: the route binds the file's bytes, path and modification time to its arguments.
 */
public final class WorkQueueStep {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueStep.class);

    private static final String PREFIX = "coordinator-queue:";
    private static final Duration BACKFILL_WAIT_LIMIT = Duration.ofHours(6);
    private static final Duration SIDECAR_WAIT_LIMIT = Duration.ofMinutes(2);

    private final WorkQueueIngest ingest;
    private final IngestMonitor monitor;
    private final Set<String> waitForLogs;
    private final Duration waitLimit;

    /**
     * @param waitForLogs the kinds of the other (tailed) sources configured, none when there are none: the
     *     queue's current version is the newest state, so it is applied after what the logs held when reading
     *     began (the order of events; in a sidecar the queue's facts then belong to the coordinator session the
     *     log shows), whatever order the routes poll in
     * @param backfill a backfill waits for every line; a sidecar for the logs' first catch-up, at most a while
     */
    WorkQueueStep(WorkQueueIngest ingest, IngestMonitor monitor, List<Path> files, Set<String> waitForLogs,
                  boolean backfill) {
        this.ingest = ingest;
        this.monitor = monitor;
        this.waitForLogs = Set.copyOf(waitForLogs);
        this.waitLimit = backfill ? BACKFILL_WAIT_LIMIT : SIDECAR_WAIT_LIMIT;
        for (Path f : files) {
            if (f.toFile().isFile()) {
                monitor.register(sourceId(f.toString())); // a backfill waits until this file was read once
            } else {
                LOG.warn("work-queue file {} does not exist (yet); it is read when it appears", f);
            }
        }
    }

    static String sourceId(String path) {
        return PREFIX + Path.of(path).toAbsolutePath().normalize();
    }

    /** Applies one version; returns its outcome (applied, duplicate, late, not-a-queue). */
    public String ingest(byte[] content, String path, Long modifiedMillis) throws SQLException, InterruptedException {
        if (!waitForLogs.isEmpty()) {
            awaitOtherSources();
        }
        WorkQueueIngest.Result r = ingest.ingest(path, content,
                modifiedMillis == null ? null : Instant.ofEpochMilli(modifiedMillis));
        LOG.debug("work-queue version of {}: {} ({} facts)", path, r.outcome(), r.facts());
        monitor.drained(sourceId(path));
        return r.outcome();
    }

    private void awaitOtherSources() throws InterruptedException {
        long deadline = System.nanoTime() + waitLimit.toNanos();
        // a route that has not started yet has not registered: waiting only for the registered ones raced it
        while (!monitor.kindsDrained(waitForLogs)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("other sources not caught up after {}; applying the work queue anyway", waitLimit);
                return;
            }
            Thread.sleep(50); // the Camel poll thread of this route waits for the logs
        }
    }
}
