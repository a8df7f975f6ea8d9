package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.transcripts.Fixtures;
import io.taclog.testing.transcripts.RawTranscript;
import io.taclog.testing.transcripts.RawTranscript.Tokens;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import io.taclog.validate.Validator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TAC-8 worker log ({@code logs/<task>.jsonl}: the worker's stream-json and its stderr in one file) as the
 * coordinator really leaves it: it truncates the file when it spawns a second worker for the same task while
 * the first one still writes at its old offset, so the file ends up as the second worker's lines, a NUL hole,
 * then the first worker's later lines, with stray stderr text in between. Each stream (session id) must be
 * one worker with exactly its own calls and tokens, and the text lines its output or error events.
 */
class Tac8WorkerLogIT {

    private static final String FIRST_SESSION = "2445585c-dc2c-4056-95bf-5631d6c92cb6";
    private static final String SECOND_SESSION = "96467ef8-cc6e-4b9e-bb64-d274a2e0d046";
    private static final Duration HOLE_GRACE = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    Path logs;
    Path log;
    TranscriptHarness h;
    TranscriptDb db;

    final List<String> firstBefore = Fixtures.lines("tac8/gh-450.w-0afb14.before-respawn.jsonl");
    final List<String> firstAfter = Fixtures.lines("tac8/gh-450.w-0afb14.after-respawn.jsonl");
    final List<String> second = Fixtures.lines("tac8/gh-450.w-154660.jsonl");

    @BeforeEach
    void start() {
        logs = tmp.resolve("circuit-synth/logs");
        log = logs.resolve("gh-450.jsonl");
        h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).holeGrace(HOLE_GRACE).start();
        db = new TranscriptDb(h.db());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /**
     * @param seenBeforeTheOldWriterWritesAgain the tailer reads the log while it is shorter than before (the
     *     truncation shows as a shrink) rather than only after the old writer made it longer again (it shows
     *     as changed bytes before the committed offset)
     */
    @ParameterizedTest(name = "truncation seen while the file is shorter: {0}")
    @ValueSource(booleans = {false, true})
    void aRespawnThatTruncatesTheLogWhileTheFirstWorkerWritesOnGivesOneWorkerPerStreamWithExactSums(
            boolean seenBeforeTheOldWriterWritesAgain) throws IOException {
        long holeStart;
        long holeEnd;
        try (LogWriter first = LogWriter.positional(log, "w-0afb14")) {
            first.raw(Fixtures.join(firstBefore));
            h.pump();
            holeEnd = first.position();
            assertEquals(2, db.count("FROM api_calls"), "the first worker's first two responses");

            truncate(log); // the coordinator spawns w-154660 for the same task: open(log, "w")
            try (LogWriter respawned = LogWriter.positional(log, "w-154660")) {
                respawned.raw(Fixtures.join(second.subList(0, 3)));
                if (seenBeforeTheOldWriterWritesAgain) {
                    h.pump();
                }
                first.raw(Fixtures.join(firstAfter.subList(0, 2))); // lands at its old offset, past a hole
                h.pump(); // the second worker's lines; the hole may still be filled, so it is waited on

                respawned.raw(Fixtures.join(second.subList(3, second.size())));
                first.raw(Fixtures.join(firstAfter.subList(2, firstAfter.size())));
                h.pump();
                holeStart = respawned.position();
            }
            h.advance(HOLE_GRACE.plusSeconds(1)); // nobody fills the rest of the hole
            h.pump();
        }

        List<String> firstAll = new ArrayList<>(firstBefore);
        firstAll.addAll(firstAfter);
        RawTranscript firstRaw = RawTranscript.of("w-0afb14", firstAll);
        RawTranscript secondRaw = RawTranscript.of("w-154660", second);

        String firstWorker = db.workerOfSession(FIRST_SESSION);
        String secondWorker = db.workerOfSession(SECOND_SESSION);
        assertEquals("gh-450", firstWorker, "named after the log file's stem");
        assertEquals("gh-450~" + SECOND_SESSION.substring(0, 8), secondWorker, "the second stream of the file");
        assertEquals(2, db.count("FROM worker_sessions"), "one worker per stream, nothing else");
        assertEquals(2, db.count("FROM worker_sessions WHERE task_id = 'gh-450' AND log_file = ?", log.toString()));

        assertEquals(firstRaw.callsByModel(), db.callsByModelOfWorker(firstWorker), "first worker, both generations");
        assertEquals(secondRaw.callsByModel(), db.callsByModelOfWorker(secondWorker));
        assertEquals(Map.of("claude-sonnet-4-5-20250929", new Tokens(4, 18, 512, 70060, 9730, 0)),
                firstRaw.callsByModel(), "the fixture's own arithmetic");
        assertEquals(firstRaw.blockKeys().size(), db.count("FROM conversations WHERE worker_id = ?", firstWorker));
        assertEquals(secondRaw.blockKeys().size(), db.count("FROM conversations WHERE worker_id = ?", secondWorker));
        assertEquals(firstRaw.result().path("total_cost_usd").asDouble(), ((Number) db.value(
                "SELECT reported_cost_usd FROM worker_sessions WHERE worker_id = ?", firstWorker)).doubleValue(), 0.0);
        assertEquals(secondRaw.result().path("total_cost_usd").asDouble(), ((Number) db.value(
                "SELECT reported_cost_usd FROM worker_sessions WHERE worker_id = ?", secondWorker)).doubleValue(), 0.0);

        // stderr text: events of the stream it was written in, never rejects
        assertEquals(List.of(
                        List.of(firstWorker, "worker_output", "info", firstRaw.textLines().get(0)),
                        List.of(secondWorker, "worker_error", "error", secondRaw.textLines().get(0)),
                        List.of(firstWorker, "worker_error", "error", firstRaw.textLines().get(1))),
                db.rows("SELECT worker_id, event_type, severity, message FROM system_events WHERE component = 'worker' "
                        + "ORDER BY event_id").stream().map(r -> List.copyOf(r.values())).toList());

        Ledger l = Ledger.read(h.db()).assertConsistent();
        assertEquals(0, l.rejects().size(), "no line was torn: " + l.rejects());
        assertEquals("superseded", l.generation(1).state(), "the truncation started a new generation");
        Ledger.Generation g = l.current(log);
        assertEquals(holeEnd - holeStart, g.nulBytes(), "the NUL hole was skipped and counted");
        assertEquals(second.size() + firstAfter.size(), g.linesRead());

        assertEquals(777, db.scalar("SELECT pr_number FROM tasks WHERE task_id = 'gh-450'"),
                "the first worker's `gh pr create` output names the task's pull request");
        assertEquals(1, db.count("FROM system_events WHERE event_type = 'pr_created' AND worker_id = ?", firstWorker));

        Validator.Report report = h.validate();
        assertTrue(report.ok(), "taclog validate after a truncation: " + report.contentProblems() + " "
                + report.files().stream().filter(Validator.FileReport::failed).toList());
    }

    private static void truncate(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.force(true);
        }
    }
}
