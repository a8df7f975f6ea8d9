package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.SourceKinds;
import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill that reads the looping task's three Claude session files before the coordinator.log links
 * them to the spawns in the wrong order; the finish re-pairs them by order (the k-th spawn started the
 * k-th stream) and anchors each spawn line on its stream's first recorded time.
 */
class StreamRelinkIT {

    private static final String TASK_DIR = "-home-demo-orbit-trees-gh-603";

    @TempDir
    Path tmp;

    /** The demo's session files of gh-603 (all, or without the one named), and its coordinator.log. */
    private Path setUp(String without) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("projects").resolve(TASK_DIR));
        try (Stream<Path> files = Files.list(Demo.DIR.resolve("projects").resolve(TASK_DIR))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                if (without == null || !f.getFileName().toString().startsWith(without)) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        Path log = tmp.resolve("coordinator.log");
        Files.copy(Demo.DIR.resolve("coordinator.log"), log);
        return log;
    }

    /** Transcripts first, then the log: the link is made by arrival, before any time is known. */
    private Db backfill(Path log) {
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log)
                .transcripts(tmp.resolve("projects")).backfill().start()) {
            h.pump(SourceKinds.TRANSCRIPTS);
            h.pump(SourceKinds.COORDINATOR_LOG);
            Db before = new Db(tmp.resolve("t.db"));
            assertNotEquals(truth(), linked(before), "arrival order alone links the streams wrongly (else this "
                    + "test proves nothing)");
            h.finishBackfill();
        }
        return new Db(tmp.resolve("t.db"));
    }

    private static Map<String, String> linked(Db db) {
        Map<String, String> m = new java.util.TreeMap<>();
        for (Map<String, Object> r : db.rows("SELECT worker_id, agent_session_id FROM worker_sessions WHERE task_id = "
                + "'gh-603' AND agent_session_id IS NOT NULL")) {
            m.put((String) r.get("worker_id"), (String) r.get("agent_session_id"));
        }
        return m;
    }

    /** Which session each worker ran, from Claude's gitBranch (auto/<worker id>), which taclog does not read. */
    private Map<String, String> truth() {
        Map<String, String> m = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(tmp.resolve("projects").resolve(TASK_DIR))) {
            for (Path f : files.toList()) {
                String first = Files.readAllLines(f).get(0);
                String worker = first.replaceAll(".*\"gitBranch\": \"auto/(w-[0-9a-f]+)\".*", "$1");
                m.put(worker, f.getFileName().toString().replace(".jsonl", ""));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return m;
    }

    @Test
    void theStreamsArePairedWithTheirSpawnsByOrderWithEvidence() throws Exception {
        Db db = backfill(setUp(null));
        assertEquals(truth(), linked(db));
        Map<String, Object> ev = db.row("SELECT * FROM system_events WHERE event_type = 'workers_relinked'");
        assertEquals(1, ev.get("derived"));
        assertEquals("gh-603", ev.get("task_id"));
        String details = (String) ev.get("details");
        assertTrue(details.contains("\"spawn_order\":[\"w-5d8f02\",\"w-a41c6e\",\"w-c7e019\"]"), details);
        // every row of a stream went with it: conversations, API calls, the stream's own session rows
        assertEquals(0, db.count("SELECT COUNT(*) FROM conversations c JOIN agent_sessions a ON a.agent_session_id = "
                + "c.agent_session_id WHERE a.worker_id <> c.worker_id"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM api_calls c JOIN worker_sessions w ON w.agent_session_id = "
                + "c.agent_session_id WHERE w.worker_id <> c.worker_id"));
        assertEquals("w-c7e019", db.text("SELECT worker_id FROM system_events WHERE event_type = 'pr_created'"));
        assertEquals("worker w-c7e019 created pull request #615",
                db.text("SELECT message FROM system_events WHERE event_type = 'pr_created'"));
        assertEquals("w-c7e019",
                db.text("SELECT worker_id FROM task_status_history WHERE source_key = 'P:gh-603:615'"));
        // each spawn line is anchored on the first recorded line of its own stream
        List<Map<String, Object>> spawns = db.rows("SELECT w.worker_id, w.spawned_at, w.time_source, (SELECT MIN("
                + "c.timestamp) FROM conversations c WHERE c.worker_id = w.worker_id) AS first FROM worker_sessions w "
                + "WHERE w.task_id = 'gh-603' ORDER BY w.spawned_at");
        assertEquals(List.of("w-5d8f02", "w-a41c6e", "w-c7e019"), spawns.stream().map(r ->
                r.get("worker_id")).toList());
        for (Map<String, Object> s : spawns) {
            assertEquals(s.get("first"), s.get("spawned_at"), s.toString());
            assertEquals("estimated", s.get("time_source"));
        }
    }

    @Test
    void aTaskWithAWorkerWithoutItsStreamIsLeftAsLinked() throws Exception {
        // without the first worker's session the order of the remaining two proves nothing
        Path log = setUp("aa2686bc");
        Db db;
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log)
                .transcripts(tmp.resolve("projects")).backfill().start()) {
            h.pump(SourceKinds.TRANSCRIPTS);
            h.pump(SourceKinds.COORDINATOR_LOG);
            Map<String, String> before = linked(new Db(tmp.resolve("t.db")));
            h.finishBackfill();
            db = new Db(tmp.resolve("t.db"));
            assertEquals(before, linked(db));
        }
        assertEquals(0, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'workers_relinked'"));
    }
}
