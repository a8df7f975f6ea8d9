package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taclog.testing.Await;
import io.taclog.testing.IngestHarness;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With change notification, scans between full walks look only at what changed, and still find new files,
 * appends to files whose handle was closed, new directories and rotations; every line once.
 */
class ChangeWatchIT {

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static void write(Path file, String src, int lines) {
        try (LogWriter w = LogWriter.append(file, src)) {
            w.lines(lines);
        }
    }

    /** Pumps until {@code expected} more lines were read: notification arrives on its own thread. */
    private void pumpUntil(int expected) {
        AtomicInteger got = new AtomicInteger();
        Await.until(Duration.ofSeconds(20), () -> got.addAndGet(h.pump()) >= expected,
                () -> "read " + got.get() + " of " + expected + " lines");
        assertEquals(expected, got.get());
    }

    @Test
    void changesAreFoundWithoutWalkingEverythingAgain() throws IOException {
        assumeTrue(!FileSystems.getDefault().newWatchService().getClass().getName().contains("Polling"),
                "a platform with native change notification");
        h = IngestHarness.in(tmp).recording()
                .options(o -> new TailOptions(o.kind(), o.roots(), o.include(), o.exclude(), o.recursive(),
                        o.maxLineBytes(), o.batchMaxLines(), o.batchMaxBytes(), o.maxOpenFiles(), Duration.ZERO,
                        o.rotateWait(), Duration.ofSeconds(30), o.holeGrace(), false, Duration.ofHours(1)))
                .start();
        write(h.file("a.jsonl"), "a", 3);
        pumpUntil(3);
        long walks = h.tailer().fullWalks();

        write(h.file("b.jsonl"), "b", 4); // a new file
        write(h.file("a.jsonl"), "a2", 2); // an append to an open one
        pumpUntil(6);
        assertEquals(walks, h.tailer().fullWalks(), "found through notification, no walk");

        h.advance(Duration.ofMinutes(2)); // a.jsonl and b.jsonl go idle: their handles are closed
        h.pump();
        write(h.file("b.jsonl"), "b2", 5); // an append to a closed file
        pumpUntil(5);
        assertEquals(walks, h.tailer().fullWalks(), "a closed file that grew is reopened without a walk");

        write(Files.createDirectories(h.file("sub")).resolve("c.jsonl"), "c", 2); // a new directory: walked
        pumpUntil(2);

        Files.move(h.file("a.jsonl"), h.file("a.1.jsonl")); // rotation by rename: walked
        write(h.file("a.jsonl"), "a3", 1);
        pumpUntil(1);
        write(h.file("sub").resolve("c.jsonl"), "c2", 3); // the new directory is watched now
        long before = h.tailer().fullWalks();
        pumpUntil(3);
        assertEquals(before, h.tailer().fullWalks());

        h.assertSeenExactlyOnce("a", 3);
        h.assertSeenExactlyOnce("a2", 2);
        h.assertSeenExactlyOnce("a3", 1);
        h.assertSeenExactlyOnce("b", 4);
        h.assertSeenExactlyOnce("b2", 5);
        h.assertSeenExactlyOnce("c", 2);
        h.assertSeenExactlyOnce("c2", 3);
        h.assertLedgerProven();
    }
}
