package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.StreamJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator records its workers' log files as it sees them (/logs/w-901a.jsonl); the sidecar may see the
 * same files under another directory (a container mount, a synced copy). The transcripts must still reach the
 * coordinator's workers and their task, whichever is read first.
 */
class MovedLogPathIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";

    @TempDir
    Path tmp;

    private Path events() throws IOException {
        return Files.writeString(tmp.resolve("events.jsonl"), String.join("\n", List.of(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-9\"}",
                "{\"event\":\"task_detected\",\"ts\":\"2025-11-05T09:00:01Z\",\"session_id\":\"ses-9\","
                        + "\"task_id\":\"gh-901\",\"title\":\"Fix the parser\"}",
                // the worker id is the log's stem
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-9\","
                        + "\"worker_id\":\"w-901a\",\"task_id\":\"gh-901\",\"pid\":4242,"
                        + "\"log_file\":\"/logs/w-901a.jsonl\"}",
                // the worker id says nothing of the file; the log file's name does
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:04Z\",\"session_id\":\"ses-9\","
                        + "\"worker_id\":\"w-777\",\"task_id\":\"gh-901\",\"pid\":4243,"
                        + "\"log_file\":\"/logs/gh-901-review.jsonl\"}")) + "\n");
    }

    private Path transcripts() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnt/workers"));
        write(dir.resolve("w-901a.jsonl"), new StreamJson("90190190-0000-4000-8000-00000000000a"), "msg_01A");
        write(dir.resolve("gh-901-review.jsonl"), new StreamJson("90190190-0000-4000-8000-00000000000b"), "msg_01B");
        return dir;
    }

    private static void write(Path file, StreamJson s, String message) throws IOException {
        Files.writeString(file, String.join("\n", List.of(s.init(MODEL, "/work/repo"),
                s.text(message, MODEL, "done", 10, 200, 5000, 0))) + "\n");
    }

    private static int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(sink, true, StandardCharsets.UTF_8),
                new PrintStream(sink, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, sink.toString(StandardCharsets.UTF_8));
        return code;
    }

    private static void assertLinked(Path db) {
        assertEquals(List.of("w-777", "w-901a"), Sql.rows(db, "SELECT DISTINCT worker_id FROM api_calls ORDER BY 1")
                .stream().map(r -> r.get("worker_id")).toList(), "each transcript's calls are its worker's");
        assertEquals(2L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls a JOIN worker_sessions w "
                + "USING (worker_id) WHERE w.task_id = 'gh-901'"), "and so the task's");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM worker_sessions WHERE worker_id LIKE '%~%' "
                + "OR origin = 'transcript'"), "no second, provisional worker");
    }

    @Test
    void spawnsReadFirstAreClaimedByTheFileNameOfTheirLog() throws IOException {
        Path db = tmp.resolve("a.db");
        run("backfill", "--db", db.toString(), "--coordinator-events", events().toString(), "--watch",
                transcripts().toString(), "--no-progress");
        assertLinked(db);
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM agent_sessions WHERE worker_id = 'w-777'") > 0);
    }

    @Test
    void aPathMapLinksLogsWhoseNamesSayNothing() throws IOException {
        // both workers write a file called worker.jsonl, each in its task's folder: only the path tells them apart
        Path ev = Files.writeString(tmp.resolve("events-map.jsonl"), String.join("\n", List.of(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-9\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-9\","
                        + "\"worker_id\":\"w-1\",\"task_id\":\"gh-1\",\"pid\":1,"
                        + "\"log_file\":\"/runs/gh-1/worker.jsonl\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:04Z\",\"session_id\":\"ses-9\","
                        + "\"worker_id\":\"w-2\",\"task_id\":\"gh-2\",\"pid\":2,"
                        + "\"log_file\":\"/runs/gh-2/worker.jsonl\"}"))
                + "\n");
        Path runs = tmp.resolve("mnt/runs");
        write(Files.createDirectories(runs.resolve("gh-1")).resolve("worker.jsonl"),
                new StreamJson("11111111-0000-4000-8000-000000000001"), "msg_01One");
        write(Files.createDirectories(runs.resolve("gh-2")).resolve("worker.jsonl"),
                new StreamJson("22222222-0000-4000-8000-000000000002"), "msg_01Two");
        Path unmapped = tmp.resolve("unmapped.db");
        run("backfill", "--db", unmapped.toString(), "--coordinator-events", ev.toString(), "--watch",
                runs.toString(), "--no-progress");
        assertEquals(0L, Sql.scalar(unmapped, "SELECT COUNT(*) FROM api_calls WHERE worker_id IN ('w-1', 'w-2')"),
                "without the map the name fits two tasks: no link rather than a wrong one");
        assertEquals(2L, Sql.scalar(unmapped, "SELECT COUNT(*) FROM worker_sessions WHERE task_id IS NULL"),
                "nor a task made up from the session: the transcripts are unassigned");
        Path later = tmp.resolve("later.db"); // the transcripts first, the spawns in a second run
        run("backfill", "--db", later.toString(), "--watch", runs.toString(), "--no-progress");
        run("backfill", "--db", later.toString(), "--coordinator-events", ev.toString(), "--watch", runs.toString(),
                "--no-progress");
        assertEquals(0L, Sql.scalar(later, "SELECT COUNT(*) FROM api_calls WHERE worker_id IN ('w-1', 'w-2')"),
                "nor when the spawns come second");

        Path db = tmp.resolve("map.db");
        run("backfill", "--db", db.toString(), "--coordinator-events", ev.toString(), "--watch", runs.toString(),
                "--set", "taclog.coordinator.path-map=/runs=" + runs.toAbsolutePath(), "--no-progress");
        assertEquals("w-1", Sql.rows(db, "SELECT worker_id FROM api_calls WHERE message_id = 'msg_01One'").get(0)
                .get("worker_id"));
        assertEquals("w-2", Sql.rows(db, "SELECT worker_id FROM api_calls WHERE message_id = 'msg_01Two'").get(0)
                .get("worker_id"));
    }

    @Test
    void transcriptsReadFirstJoinTheSpawnsThatNameTheirFile() throws IOException {
        Path db = tmp.resolve("b.db");
        Path dir = transcripts();
        run("backfill", "--db", db.toString(), "--watch", dir.toString(), "--no-progress");
        run("backfill", "--db", db.toString(), "--coordinator-events", events().toString(), "--watch",
                dir.toString(), "--no-progress");
        assertLinked(db);
    }
}
