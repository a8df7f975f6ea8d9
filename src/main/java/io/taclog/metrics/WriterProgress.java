package io.taclog.metrics;

import io.taclog.ingest.IngestMonitor;
import io.taclog.ingest.SourceStats;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether the writer is stuck. Work is pending when a source has bytes read but not committed, a poll that has
 * been running (reading, or waiting for room in the writer's queue), or failed batches since the last commit.
 * The writer is stuck when work has been pending for longer than the limit and nothing was committed for that
 * long either. An idle sidecar (nothing read, no poll running) is never stuck however long ago it last
 * committed; a busy one is not stuck as long as commits keep coming.
 */
final class WriterProgress {

    /** What the check found, for the health body. */
    record Verdict(boolean stuck, String detail) {
    }

    private final IngestMonitor monitor;
    private final long limitNanos;
    private final LongSupplier nanoClock;
    private final long startedNanos;
    private volatile long lastCommitNanos;

    WriterProgress(IngestMonitor monitor, Duration limit, LongSupplier nanoClock) {
        this.monitor = monitor;
        this.limitNanos = limit.toNanos();
        this.nanoClock = nanoClock;
        this.startedNanos = nanoClock.getAsLong();
        this.lastCommitNanos = startedNanos;
    }

    /** A batch committed (called on the writer's thread, once per batch). */
    void committed() {
        lastCommitNanos = nanoClock.getAsLong();
    }

    /** Seconds since the last commit (since start while nothing committed yet). */
    double secondsSinceCommit() {
        return (nanoClock.getAsLong() - lastCommitNanos) / 1e9;
    }

    Verdict check() {
        long now = nanoClock.getAsLong();
        long pendingSince = -1;
        String pendingSource = null;
        for (Map.Entry<String, SourceStats> e : monitor.sourceStats().entrySet()) {
            long since = e.getValue().workPendingSinceNanos();
            if (since >= 0 && (pendingSince < 0 || since < pendingSince)) {
                pendingSince = since;
                pendingSource = e.getKey();
            }
        }
        long failures = monitor.consecutiveFailures();
        long sinceCommit = now - lastCommitNanos;
        if (failures > 0 && sinceCommit > limitNanos) {
            return new Verdict(true, failures + " failed batch(es) and no commit for " + seconds(sinceCommit) + " s");
        }
        if (pendingSince >= 0 && now - pendingSince > limitNanos && sinceCommit > limitNanos) {
            return new Verdict(true, "source " + pendingSource + " has had work pending for "
                    + seconds(now - pendingSince) + " s and nothing was committed for " + seconds(sinceCommit) + " s");
        }
        return new Verdict(false, pendingSince < 0 ? "idle: nothing pending"
                : "last commit " + seconds(sinceCommit) + " s ago");
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }
}
