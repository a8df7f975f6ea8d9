package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real YAML routes under Camel Main: lines appended while it runs are committed, once, across a restart. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CamelSidecarIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void tailsAppendedLinesThroughTheRoutesAndResumesExactlyOnceAfterARestart() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path db = tmp.resolve("taclog.db");
        TaclogConfig config = TaclogConfig.load(Optional.empty(), Map.of(
                "taclog.db", db.toString(),
                "taclog.watch", watch.toString(),
                "taclog.batch.max-wait-ms", "50",
                "taclog.scan-interval-ms", "50"));

        try (LogWriter a = LogWriter.append(watch.resolve("a.jsonl"), "a")) {
            a.lines(100);
            try (RunningSidecar sidecar = RunningSidecar.start(config)) {
                awaitLines(db, 100);
                a.lines(50);
                try (LogWriter b = LogWriter.append(Files.createDirectories(watch.resolve("sub")).resolve("b.jsonl"),
                        "b")) {
                    b.lines(30);
                }
                awaitLines(db, 180);
                assertTrue(sidecar.runtime.monitor().batches() > 0, "the consumer reported its commits");
            }

            a.lines(40); // written while stopped
            a.partial(); // and a line still being written when it starts again
            try (RunningSidecar sidecar = RunningSidecar.start(config)) {
                awaitLines(db, 220);
                a.raw("\n").lines(10);
                awaitLines(db, 231);
            }
        }
        Ledger l = Ledger.read(db).assertConsistent();
        assertEquals(231, l.linesRead());
        assertEquals(2, l.generations().size(), "one generation per file, across the restart");
        assertEquals(Files.size(watch.resolve("a.jsonl")), l.current(watch.resolve("a.jsonl")).committedOffset());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"validate", "--db", db.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, out.toString(StandardCharsets.UTF_8));
    }

    private static void awaitLines(Path db, long expected) {
        Await.until(WAIT, () -> linesRead(db) >= expected,
                () -> "the ledger holds " + expected + " lines (it holds " + linesRead(db) + ")");
        assertEquals(expected, linesRead(db), "and not one more");
    }

    private static long linesRead(Path db) {
        return Sql.scalar(db, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
    }
}
