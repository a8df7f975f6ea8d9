package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.LogWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open file handles stay under the cap while every file is still read. */
class OpenFileLimitIT {

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void neverHoldsMoreHandlesThanTheCapAndStillReadsEveryFile() {
        h = IngestHarness.in(tmp).recording()
                .options(o -> o.withLimits(o.maxLineBytes(), 7, o.batchMaxBytes(), 3)).start();
        AtomicInteger most = new AtomicInteger();
        h.afterEachBatch(t -> {
            most.accumulateAndGet(t.openFiles(), Math::max);
            assertTrue(t.openFiles() <= 3, "open handles: " + t.openFiles());
        });
        List<LogWriter> writers = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                writers.add(LogWriter.append(h.file("f" + i + ".jsonl"), "f" + i).lines(20));
            }
            assertEquals(200, h.pump());
            writers.forEach(w -> w.lines(5)); // files closed for the cap are reopened when they grow
            assertEquals(50, h.pump());
        } finally {
            writers.forEach(LogWriter::close);
        }
        assertEquals(3, most.get(), "the cap is used, not undercut");
        for (int i = 0; i < 10; i++) {
            h.assertSeenExactlyOnce("f" + i, 25);
        }
        assertEquals(10, h.ledger().generations().size(), "a reopened file resumes its generation");
        h.assertLedgerProven();
    }
}
