package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.MutableClock;
import io.taclog.testing.coordinator.Tac8;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator routes under Camel Main, as `taclog run` starts them: the work queue rewritten by
 * rename while the sidecar runs (one route per configured file, from the YAML template), the
 * coordinator.log tail, and the timer route that reports stalled workers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CoordinatorRoutesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    /** Writes a version the way TAC-8 does: a temporary file renamed over the queue. */
    private static void rewrite(Path queue, Path version) throws Exception {
        Path tmpFile = queue.resolveSibling(queue.getFileName() + ".tmp");
        Files.copy(version, tmpFile, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpFile, queue, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theQueueIsReadAtEveryRewriteAndTheLogAlongsideIt() throws Exception {
        Path queueDir = Files.createDirectories(tmp.resolve("repo"));
        Path queue = queueDir.resolve("tasks.md");
        Path second = Files.createDirectories(tmp.resolve("other")).resolve("tasks.md");
        Path log = tmp.resolve("coordinator.log");
        Path db = tmp.resolve("taclog.db");
        List<Demo.Step> steps = Demo.steps().stream().filter(s -> s.snapshot() != null).toList();
        rewrite(queue, steps.get(0).snapshot());
        TaclogConfig config = TaclogConfig.load(Optional.empty(), Map.of("taclog.db", db.toString(),
                "taclog.coordinator.queue", queue + "," + second, "taclog.coordinator.log", log.toString(),
                "taclog.coordinator.queue-poll-ms", "50", "taclog.batch.max-wait-ms", "50",
                "taclog.coordinator.timezone", "America/Los_Angeles"));
        new LogStory(log).lines(Tac8.banner());
        Db d = new Db(db);
        try (IngestRuntime runtime = IngestRuntime.open(config, false)) {
            CamelSidecar sidecar = new CamelSidecar(runtime);
            sidecar.start();
            try {
                assertNotNull(sidecar.main().getCamelContext().getRoute("tail-coordinator-queue"));
                assertNotNull(sidecar.main().getCamelContext().getRoute("tail-coordinator-queue-2"), "one per file");
                assertNotNull(sidecar.main().getCamelContext().getRoute("tail-coordinator-log"));
                Await.until(WAIT, () -> d.count("SELECT COUNT(*) FROM work_queue_snapshots") == 1, "the first version");
                for (int i = 1; i < 4; i++) {
                    rewrite(queue, steps.get(i).snapshot());
                    int n = i + 1;
                    Await.until(WAIT, () -> d.count("SELECT COUNT(*) FROM work_queue_snapshots") == n,
                            () -> "version " + n + " of the queue");
                }
                rewrite(queue, steps.get(3).snapshot()); // the same content again, a new inode and time
                Await.until(WAIT, () -> d.count("SELECT COUNT(*) FROM coordinator_sessions") == 1, "the log's session");
            } finally {
                sidecar.stop();
            }
        }
        assertEquals(4, d.count("SELECT COUNT(*) FROM work_queue_snapshots"),
                "a version read again is not applied twice");
        assertEquals(4, d.count("SELECT COUNT(*) FROM action_triggers WHERE trigger_type = 'poll'"));
        assertEquals("pending", d.text("SELECT status FROM tasks WHERE task_id = 'gh-602'"),
                "failed once, waits to retry");
        assertTrue(d.count("SELECT COUNT(*) FROM task_status_history WHERE task_id = 'gh-601' AND worker_id = "
                + "'w-3c9a10' "
                + "AND to_status = 'active' AND time_source = 'recorded'") == 1);
    }

    @Test
    void theTimerRouteReportsAStalledWorkerOnce() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        Path db = tmp.resolve("taclog.db");
        new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.spawn("gh-1", "w-111111", 1)));
        TaclogConfig config = TaclogConfig.load(Optional.empty(), Map.of("taclog.db", db.toString(),
                "taclog.coordinator.log", log.toString(), "taclog.batch.max-wait-ms", "50",
                "taclog.derive.stall-minutes", "1", "taclog.derive.check-interval-ms", "100"));
        // the tail consumer stamps lines with the system clock; the check's clock starts there and is moved by hand
        MutableClock clock = new MutableClock(Instant.now());
        Db d = new Db(db);
        try (IngestRuntime runtime = IngestRuntime.open(config, false, clock)) {
            CamelSidecar sidecar = new CamelSidecar(runtime);
            sidecar.start();
            try {
                assertNotNull(sidecar.main().getCamelContext().getRoute("derive-stalled-workers"));
                Await.until(WAIT, () -> d.count("SELECT COUNT(*) FROM worker_sessions") == 1, "the spawn");
                clock.advance(Duration.ofMinutes(2));
                Await.until(WAIT, () ->
                        d.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'worker_stalled'") == 1,
                        "the stall warning");
                clock.advance(Duration.ofMinutes(1));
                long before = sidecar.main().getCamelContext().getRoute("derive-stalled-workers").getUptimeMillis();
                // the timer keeps firing (every 100 ms) while the same silence goes on: still one warning
                Await.until(WAIT, () -> sidecar.main().getCamelContext().getRoute("derive-stalled-workers")
                        .getUptimeMillis() > before + 500, "half a second of timer ticks");
            } finally {
                sidecar.stop();
            }
        }
        assertEquals(1, d.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'worker_stalled'"));
    }
}
