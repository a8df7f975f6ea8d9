package io.taclog.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The order of a backfill's sources: transcripts after the coordinator's outputs, and never forever. */
class IngestMonitorTest {

    private final IngestMonitor monitor = new IngestMonitor();

    @Test
    void transcriptsWaitUntilTheCoordinatorLogStartedAndDrained() {
        monitor.readAfter(SourceKinds.TRANSCRIPTS, Set.of(SourceKinds.COORDINATOR_LOG));
        long now = System.nanoTime();
        assertFalse(monitor.mayRead(SourceKinds.TRANSCRIPTS, now), "the log's route has not started yet");
        monitor.register("coordinator-log:" + SourceKinds.COORDINATOR_LOG);
        assertFalse(monitor.mayRead(SourceKinds.TRANSCRIPTS, now), "started, not drained");
        monitor.drained("coordinator-log:" + SourceKinds.COORDINATOR_LOG);
        assertTrue(monitor.mayRead(SourceKinds.TRANSCRIPTS, now));
        assertTrue(monitor.mayRead(SourceKinds.COORDINATOR_LOG, now), "the log itself waits for nobody");
    }

    @Test
    void aKindWhoseRouteNeverStartsHoldsNothingUpForLong() {
        monitor.readAfter(SourceKinds.TRANSCRIPTS, Set.of(SourceKinds.COORDINATOR_EVENTS));
        long longAgo = System.nanoTime() - IngestMonitor.NEVER_STARTED.toNanos() - 1_000_000L;
        assertTrue(monitor.mayRead(SourceKinds.TRANSCRIPTS, longAgo), "the events route was removed from the routes");
        monitor.register("events:" + SourceKinds.COORDINATOR_EVENTS);
        assertFalse(monitor.mayRead(SourceKinds.TRANSCRIPTS, longAgo), "a started source is always waited for");
    }

    @Test
    void theWorkQueueWaitsForEveryConfiguredKindToStartAndDrain() {
        Set<String> logs = Set.of(SourceKinds.TRANSCRIPTS, SourceKinds.COORDINATOR_LOG);
        monitor.register("work-queue:/q/tasks.md"); // the queue's own source is not one of the kinds
        monitor.register("transcripts:" + SourceKinds.TRANSCRIPTS);
        monitor.drained("transcripts:" + SourceKinds.TRANSCRIPTS);
        assertFalse(monitor.kindsDrained(logs), "the coordinator log's route has not started");
        monitor.register("coordinator-log:" + SourceKinds.COORDINATOR_LOG);
        assertFalse(monitor.kindsDrained(logs));
        monitor.drained("coordinator-log:" + SourceKinds.COORDINATOR_LOG);
        assertTrue(monitor.kindsDrained(logs));
    }
}
