package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.testing.transcripts.Fixtures;
import io.taclog.testing.transcripts.RawTranscript;
import io.taclog.testing.transcripts.StreamJson;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which worker a transcript stream belongs to, when no coordinator record names it. */
class WorkerLinkerIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String PAIR_SESSION = "8e9b5cd6-a73a-4bc2-9594-6515ee2b28d3";

    @TempDir
    Path tmp;

    @Test
    void aSessionFirstSeenInItsSessionFileIsRenamedToTheStreamJsonStemWhenThatArrives() {
        Path watch = tmp.resolve("watch");
        String sessionFile = "projects/-home-shane-Desktop-circuit-synth-trees-gh-451/" + PAIR_SESSION + ".jsonl";
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(watch).start()) {
            TranscriptDb db = new TranscriptDb(h.db());
            Fixtures.copy("pair/" + sessionFile, watch.resolve(sessionFile));
            h.pump();
            assertEquals(PAIR_SESSION, db.workerOfSession(PAIR_SESSION), "only the session id names it so far");
            assertEquals(1, db.scalar("SELECT name_quality FROM worker_sessions"));
            long rows = db.count("FROM conversations") + db.count("FROM api_calls");

            Fixtures.copy("pair/logs/gh-451.jsonl", watch.resolve("logs/gh-451.jsonl"));
            h.pump();
            assertEquals("gh-451", db.workerOfSession(PAIR_SESSION));
            assertEquals(2, db.scalar("SELECT name_quality FROM worker_sessions WHERE worker_id = 'gh-451'"));
            for (String table : List.of("worker_sessions", "conversations", "api_calls", "agent_sessions",
                    "worker_model_usage", "system_events")) {
                assertEquals(0, db.count("FROM " + table + " WHERE worker_id = ?", PAIR_SESSION),
                        "no " + table + " row keeps the provisional name");
            }
            assertEquals(rows, db.count("FROM conversations WHERE worker_id = 'gh-451'")
                    + db.count("FROM api_calls WHERE worker_id = 'gh-451' AND source = 'claude-session'"),
                    "the session file's rows moved with the worker");
            assertEquals(1, db.count("FROM worker_model_usage WHERE worker_id = 'gh-451'"));
        }
    }

    @Test
    void stderrTextBeforeTheFirstJsonLineBelongsToTheStreamThatFollows() throws IOException {
        Path logs = tmp.resolve("logs");
        StreamJson s = new StreamJson("33333333-aaaa-4bbb-8ccc-000000000003");
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("gh-10.jsonl"), Fixtures.join(List.of(
                "(node:48121) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.",
                s.init(MODEL, "/w/trees/gh-10"),
                s.text("msg_01Ten1", MODEL, "working", 3, 20, 1000, 0))));
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start()) {
            h.pump();
            TranscriptDb db = new TranscriptDb(h.db());
            assertEquals(List.of(Map.of("worker_id", "gh-10", "agent_session_id", s.sessionId())),
                    db.rows("SELECT worker_id, agent_session_id FROM worker_sessions"),
                    "one worker, named after the file, not a phantom beside a suffixed one");
            assertEquals("gh-10", db.value("SELECT worker_id FROM system_events WHERE component = 'worker'"));
            assertEquals(1, db.count("FROM api_calls WHERE worker_id = 'gh-10'"));
        }
    }

    @Test
    void twoStreamsInterleavedInOneFileAreTwoWorkersEachWithItsOwnCallsAndResult() throws IOException {
        Path logs = tmp.resolve("logs");
        StreamJson one = new StreamJson("11111111-aaaa-4bbb-8ccc-000000000001");
        StreamJson two = new StreamJson("22222222-aaaa-4bbb-8ccc-000000000002");
        List<String> lines = List.of(
                one.init(MODEL, "/w/trees/gh-9"),
                one.text("msg_01One1", MODEL, "first worker", 3, 1, 1000, 500),
                two.init(MODEL, "/w/trees/gh-9"),
                one.text("msg_01One1", MODEL, "first worker", 3, 70, 1000, 500),
                two.text("msg_01Two1", MODEL, "second worker", 5, 33, 2000, 100),
                "Error: Another process holds the lock",
                two.text("msg_01Two2", MODEL, "second worker again", 5, 12, 2100, 0),
                one.text("msg_01One2", MODEL, "first worker again", 4, 9, 1500, 0));
        Files.createDirectories(logs);
        Files.writeString(logs.resolve("gh-9.jsonl"), Fixtures.join(lines));
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start()) {
            h.pump();
            TranscriptDb db = new TranscriptDb(h.db());
            String w1 = db.workerOfSession(one.sessionId());
            String w2 = db.workerOfSession(two.sessionId());
            assertEquals(List.of("gh-9", "gh-9~22222222"), List.of(w1, w2));
            assertEquals(RawTranscript.of("one", lines.stream().filter(l -> l.contains(one.sessionId())).toList())
                    .callsByModel(), db.callsByModelOfWorker(w1));
            assertEquals(RawTranscript.of("two", lines.stream().filter(l -> l.contains(two.sessionId())).toList())
                    .callsByModel(), db.callsByModelOfWorker(w2));
            assertEquals(Map.of("worker_id", w2, "event_type", "worker_error"), db.rows("SELECT worker_id, event_type "
                    + "FROM system_events WHERE component = 'worker'").get(0),
                    "stderr text goes to the stream whose line came last");
            assertEquals(2, db.count("FROM worker_sessions WHERE task_id = 'gh-9'"));
        }
    }
}
