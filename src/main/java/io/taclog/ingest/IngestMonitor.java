package io.taclog.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the sources committed and knows when every source of a backfill has read all there is.
 * Shared by the sources (which report) and the command line (which waits and prints progress).
 */
public final class IngestMonitor {

    private final Map<String, Boolean> drained = new ConcurrentHashMap<>();
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private volatile long expectedBytes;
    private volatile long expectedFiles;
    private final java.util.Set<Long> filesSeen = ConcurrentHashMap.newKeySet();
    /** Per source (route id), what it last reported; filled only while {@link #sourceStatsWanted} (metrics on). */
    private final Map<String, SourceStats> sourceStats = new ConcurrentHashMap<>();
    private volatile boolean sourceStatsWanted;

    /**
     * Sources of a kind that, in a backfill, read only after every source of some other kinds has drained
     * (see {@link #readAfter}).
     */
    private final Map<String, java.util.Set<String>> readAfter = new ConcurrentHashMap<>();

    /**
     * In a backfill, sources of kind {@code later} start reading only once every source of the {@code earlier}
     * kinds has read all there is. Used for transcripts after the coordinator's outputs: the coordinator spawned
     * its workers before their transcripts began, and reading in that order makes a backfill's result
     * independent of which route the scheduler runs first.
     */
    public void readAfter(String later, java.util.Set<String> earlier) {
        readAfter.put(later, java.util.Set.copyOf(earlier));
    }

    /** How long a source waits for an earlier kind that never starts (its route was removed from the routes). */
    static final Duration NEVER_STARTED = Duration.ofSeconds(30);

    /**
     * Whether a backfill source of {@code kind} may read now (see {@link #readAfter}): every source of the
     * earlier kinds has drained, and each of those kinds has a source, unless none started within
     * {@link #NEVER_STARTED} of {@code waitingSince}.
     */
    public boolean mayRead(String kind, long waitingSinceNanos) {
        java.util.Set<String> earlier = readAfter.get(kind);
        if (earlier == null || earlier.isEmpty()) {
            return true;
        }
        java.util.Set<String> notStarted = notStarted(earlier);
        return notStarted != null
                && (notStarted.isEmpty() || System.nanoTime() - waitingSinceNanos > NEVER_STARTED.toNanos());
    }

    /**
     * {@link #mayRead}, waiting up to {@code maxWaitMillis} for it to become true: woken when a source drains.
     */
    public boolean awaitMayRead(String kind, long waitingSinceNanos, long maxWaitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        synchronized (this) {
            while (!mayRead(kind, waitingSinceNanos)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    /**
     * True once a source of each of {@code kinds} has registered and every source of those kinds is drained: one
     * that did not start yet cannot count as caught up (a backfill applies the work queue's current version after
     * the logs that came before it).
     */
    public boolean kindsDrained(java.util.Set<String> kinds) {
        java.util.Set<String> notStarted = notStarted(kinds);
        return notStarted != null && notStarted.isEmpty();
    }

    /** The kinds among {@code kinds} no source has registered for; null while a registered one is not drained. */
    private java.util.Set<String> notStarted(java.util.Set<String> kinds) {
        java.util.Set<String> missing = new java.util.HashSet<>(kinds);
        for (var e : drained.entrySet()) {
            String k = kindOf(e.getKey());
            if (kinds.contains(k)) {
                if (!e.getValue()) {
                    return null;
                }
                missing.remove(k);
            }
        }
        return missing;
    }

    /** The kind a source id names: ids end in {@code :<kind>} (route id, then the source kind). */
    private static String kindOf(String sourceId) {
        return sourceId.substring(sourceId.lastIndexOf(':') + 1);
    }

    /** Asks the sources to report {@link SourceStats} at every poll (the metrics endpoint does, before they start). */
    public void wantSourceStats() {
        sourceStatsWanted = true;
    }

    public boolean sourceStatsWanted() {
        return sourceStatsWanted;
    }

    /** A source's new figures (called by its polling thread). */
    public void sourceStats(String source, java.util.function.UnaryOperator<SourceStats> update) {
        sourceStats.compute(source, (k, old) -> update.apply(old == null ? SourceStats.NONE : old));
    }

    /** What one source last reported; {@link SourceStats#NONE} before it did. */
    public SourceStats sourceStats(String source) {
        return sourceStats.getOrDefault(source, SourceStats.NONE);
    }

    /** What every source last reported, by source id. */
    public Map<String, SourceStats> sourceStats() {
        return Map.copyOf(sourceStats);
    }

    /** A source starts; it is not drained until it says so. */
    public void register(String source) {
        drained.put(source, false);
    }

    /** Records the files (generation ids) a committed batch touched. */
    public void filesCommitted(java.util.Collection<Long> fileIds) {
        filesSeen.addAll(fileIds);
    }

    public long files() {
        return filesSeen.size();
    }

    public void setExpectedFiles(long value) {
        expectedFiles = value;
    }

    public long expectedFiles() {
        return expectedFiles;
    }

    public void committed(int lineCount, int rowCount, int skipCount, int rejectCount, long byteCount) {
        lines.addAndGet(lineCount);
        rows.addAndGet(rowCount);
        skipped.addAndGet(skipCount);
        rejected.addAndGet(rejectCount);
        bytes.addAndGet(byteCount);
        batches.incrementAndGet();
        consecutiveFailures.set(0);
    }

    public void failed() {
        failures.incrementAndGet();
        consecutiveFailures.incrementAndGet();
    }

    /** Failed batches since the last successful commit. */
    public long consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public void drained(String source) {
        drained.put(source, true);
        synchronized (this) {
            notifyAll(); // the backfill waiting in awaitDrained ends now, not at its next tick
        }
    }

    public void undrained(String source) {
        drained.put(source, false);
    }

    /** True once at least one source registered and all registered sources are drained. */
    public boolean allDrained() {
        return !drained.isEmpty() && drained.values().stream().allMatch(Boolean::booleanValue);
    }



    /** Waits until every source is drained; false on timeout. */
    public boolean awaitDrained(Duration timeout, Runnable onTick) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allDrained()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            onTick.run();
            synchronized (this) {
                wait(100);
            }
        }
        return true;
    }

    public void setExpectedBytes(long value) {
        expectedBytes = value;
    }

    public long expectedBytes() {
        return expectedBytes;
    }

    public long lines() {
        return lines.get();
    }

    public long rows() {
        return rows.get();
    }

    public long skipped() {
        return skipped.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public long batches() {
        return batches.get();
    }

    public long failures() {
        return failures.get();
    }
}
