package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and directories that appear while running are found; include and exclude patterns decide what is read. */
class DiscoveryIT {

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void findsFilesAndSubdirectoriesCreatedWhileRunning() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        write(h.file("a.jsonl"), "a", 3);
        assertEquals(3, h.pump());
        write(h.file("b.jsonl"), "b", 4);
        Path deeper = Files.createDirectories(h.file("sub").resolve("deeper"));
        write(deeper.resolve("c.jsonl"), "c", 5);
        assertEquals(9, h.pump());
        h.assertSeenExactlyOnce("a", 3);
        h.assertSeenExactlyOnce("b", 4);
        h.assertSeenExactlyOnce("c", 5);
        h.assertLedgerProven();
    }

    @Test
    void honoursIncludeAndExcludePatterns() throws IOException {
        h = IngestHarness.in(tmp).recording()
                .options(o -> new TailOptions(o.kind(), o.roots(), List.of("*.jsonl", "*.ndjson"),
                        List.of("*.tmp.jsonl", "skip/**"), o.recursive(), o.maxLineBytes(), o.batchMaxLines(),
                        o.batchMaxBytes(), o.maxOpenFiles(), o.scanInterval(), o.rotateWait(), o.idleClose(),
                        o.holeGrace(), o.oneShot()))
                .start();
        write(h.file("keep.jsonl"), "keep", 1);
        write(h.file("other.ndjson"), "ndjson", 1);
        write(h.file("notes.txt"), "txt", 1);
        write(h.file("partial.tmp.jsonl"), "tmp", 1);
        write(Files.createDirectories(h.file("skip")).resolve("y.jsonl"), "skipped", 1);
        write(Files.createDirectories(h.file("sub")).resolve("z.jsonl"), "sub", 1);
        assertEquals(3, h.pump());
        assertEquals(Set.of("keep", "ndjson", "sub"), h.seen().keySet());
        h.assertLedgerProven();
    }

    @Test
    void readsOnlyTheTopLevelWhenNotRecursive() throws IOException {
        h = IngestHarness.in(tmp).recording()
                .options(o -> new TailOptions(o.kind(), o.roots(), o.include(), o.exclude(), false, o.maxLineBytes(),
                        o.batchMaxLines(), o.batchMaxBytes(), o.maxOpenFiles(), o.scanInterval(), o.rotateWait(),
                        o.idleClose(), o.holeGrace(), o.oneShot()))
                .start();
        write(h.file("top.jsonl"), "top", 2);
        write(Files.createDirectories(h.file("sub")).resolve("z.jsonl"), "sub", 2);
        assertEquals(2, h.pump());
        assertEquals(Set.of("top"), h.seen().keySet());
    }

    private static void write(Path file, String src, int lines) {
        try (LogWriter w = LogWriter.append(file, src)) {
            w.lines(lines);
        }
    }
}
