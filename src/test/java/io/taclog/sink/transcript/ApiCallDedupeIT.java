package io.taclog.sink.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Await;
import io.taclog.testing.Ledger;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.Fixtures;
import io.taclog.testing.transcripts.RawTranscript;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude writes one API response as one line per content block, each repeating the usage, and the output
 * count grows on the later lines (1, 1, 153). Those lines can fall into different batches, and the process
 * can die between them: there must still be exactly one api_calls row per response, with the largest usage.
 */
class ApiCallDedupeIT {

    /** gh-452.jsonl: init, then msg D1 on three lines (output 1, 1, 153), two tool results, msg D2, result. */
    private static final String FIXTURE = "dedupe/gh-452.jsonl";
    private static final List<String> LINES = Fixtures.lines(FIXTURE);

    @TempDir
    Path tmp;
    Process process;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private long outputOfFirstResponse(Path db) {
        return Sql.scalar(db, "SELECT tokens_output FROM api_calls ORDER BY call_id LIMIT 1");
    }

    @Test
    void linesOfOneResponseInSeparateBatchesGiveOneRowWithTheLargestUsage() throws IOException {
        Path logs = tmp.resolve("logs");
        Path log = logs.resolve("gh-452.jsonl");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs)
                .set("taclog.batch.max-lines", "1").start()) {
            long[] outputSeen = new long[LINES.size()];
            for (int i = 0; i < LINES.size(); i++) {
                Files.writeString(log, LINES.get(i) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                assertEquals(1, h.pump(), "line " + i + " is its own batch");
                outputSeen[i] = i == 0 ? 0 : outputOfFirstResponse(h.db());
            }
            assertEquals(List.of(1L, 1L, 153L), List.of(outputSeen[1], outputSeen[2], outputSeen[3]),
                    "the row grows with the lines of its response");
            TranscriptDb db = new TranscriptDb(h.db());
            assertEquals(RawTranscript.of(FIXTURE, LINES).callsByModel(), db.callsByModel(log));
            assertEquals(2, db.count("FROM api_calls"));
            assertEquals(LINES.size(), db.count("FROM ingest_commits"), "one transaction per line");
        }
    }

    @Test
    void aSmallerCopyOfAResponseArrivingLaterDoesNotShrinkItsRow() throws IOException {
        Path logs = tmp.resolve("logs");
        Path log = logs.resolve("gh-452.jsonl");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start()) {
            Files.createDirectories(logs);
            Files.writeString(log, Fixtures.join(List.of(LINES.get(0), LINES.get(3))));
            h.pump();
            Files.writeString(log, Fixtures.join(List.of(LINES.get(1), LINES.get(2))), StandardOpenOption.APPEND);
            h.pump();
            assertEquals(1, Sql.scalar(h.db(), "SELECT COUNT(*) FROM api_calls"));
            assertEquals(153, outputOfFirstResponse(h.db()));
        }
    }

    @Test
    void aRealFileReadOneLinePerBatchEqualsTheIndependentDedupe() {
        Path builder = SharedSamples.file("claude-stream-json/adw/pricehawk-adw-0422addd-builder.cc_raw_output.jsonl");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(builder)
                .set("taclog.batch.max-lines", "1").backfill().start()) {
            int lines = h.pump();
            TranscriptDb db = new TranscriptDb(h.db());
            assertEquals(lines, db.count("FROM ingest_commits"), "every line committed on its own");
            assertEquals(RawTranscript.read(builder).callsByModel(), db.callsByModel(builder),
                    "38 of its 42 multi-line responses grow their output across lines that now sit in "
                            + "different batches");
        }
    }

    @Test
    void aProcessThatDiesBetweenTheLinesOfOneResponseLosesAndDoublesNothing() throws IOException {
        Path logs = tmp.resolve("logs");
        Path log = logs.resolve("gh-452.jsonl");
        TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start();
        try {
            Files.writeString(log, Fixtures.join(LINES.subList(0, 2)));
            h.pump();
            assertEquals(1, outputOfFirstResponse(h.db()));
            Files.writeString(log, Fixtures.join(LINES.subList(2, LINES.size())), StandardOpenOption.APPEND);
            assertEquals(LINES.size() - 2, h.crash(), "the rest was read and parsed, never committed");
            assertEquals(1, outputOfFirstResponse(h.db()), "nothing of the dead batch is in the database");

            h.restart();
            h.pump();
            TranscriptDb db = new TranscriptDb(h.db());
            assertEquals(RawTranscript.of(FIXTURE, LINES).callsByModel(), db.callsByModel(log));
            assertEquals(153, outputOfFirstResponse(h.db()));
            assertEquals(RawTranscript.of(FIXTURE, LINES).blockKeys().size(), db.count("FROM conversations"));
            Ledger.read(h.db()).assertConsistent();
            assertTrue(h.validate().ok(), h.validate().contentProblems().toString());
        } finally {
            h.close();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSidecarKilledBetweenTheLinesOfOneResponseKeepsOneRowWithTheLargestUsage() throws Exception {
        Path jar = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged jar " + jar + " (run after `package`)");
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path log = logs.resolve("gh-452.jsonl");
        Path db = tmp.resolve("taclog.db");
        Path out = tmp.resolve("sidecar.log");

        Files.writeString(log, Fixtures.join(LINES.subList(0, 2)));
        process = start(jar, db, logs, out);
        Await.until(Duration.ofSeconds(60), () -> rows(db) == 1, () -> "the first line of the response is "
                + "committed; sidecar output: " + tail(out));
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, outputOfFirstResponse(db));

        Files.writeString(log, Fixtures.join(LINES.subList(2, LINES.size())), StandardOpenOption.APPEND);
        process = start(jar, db, logs, out);
        Await.until(Duration.ofSeconds(60), () -> Sql.scalar(db, "SELECT COALESCE(SUM(lines_read), 0) "
                + "FROM ingest_ledger") == LINES.size(), () -> "every line is committed; sidecar output: " + tail(out));
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        TranscriptDb t = new TranscriptDb(db);
        assertEquals(RawTranscript.of(FIXTURE, LINES).callsByModel(), t.callsByModel(log));
        assertEquals(153, outputOfFirstResponse(db), "the largest usage of the response");
        assertEquals(RawTranscript.of(FIXTURE, LINES).blockKeys().size(), t.count("FROM conversations"));
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(report, true, StandardCharsets.UTF_8);
        assertEquals(Main.OK, Main.run(new String[] {"validate", "--db", db.toString(), "--watch", logs.toString()},
                ps, ps), report.toString(StandardCharsets.UTF_8));
    }

    private static long rows(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        try {
            return Sql.scalar(db, "SELECT COUNT(*) FROM api_calls");
        } catch (IllegalStateException e) {
            return 0; // not migrated yet
        }
    }

    private static Process start(Path jar, Path db, Path logs, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run",
                "--db", db.toString(), "--watch", logs.toString(), "--set", "taclog.batch.max-lines=1",
                "--set", "taclog.batch.max-wait-ms=50", "--set", "taclog.scan-interval-ms=100");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        return pb.start();
    }

    private static String tail(Path out) {
        try {
            String s = Files.readString(out);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
