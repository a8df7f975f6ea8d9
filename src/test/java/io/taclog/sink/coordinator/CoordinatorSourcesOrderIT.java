package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same coordinator facts from two sources, or twice, read in either order give the same rows: two
 * backfills into one database, one source first, then the other.
 */
class CoordinatorSourcesOrderIT {

    private static final Path DEMO = Path.of("samples/tac8-demo");

    @TempDir
    Path tmp;
    private int runs;

    /**
     * The demo's run told by its log and by its JSONL events: a worker's spawn time is the events' recorded
     * one (not the log's estimate), its exit is the structured event's (not the reaper line's), either order.
     */
    @Test
    void aWorkersSpawnAndExitAreTheEventsWhicheverSourceIsReadFirst() throws IOException {
        String log = "--coordinator-log=" + DEMO.resolve("coordinator.log");
        String events = "--coordinator-events=" + DEMO.resolve("events.jsonl");
        String logFirst = workers(List.of(log), List.of(log, events));
        String eventsFirst = workers(List.of(events), List.of(log, events));
        assertEquals(logFirst, eventsFirst, "the same workers whichever source was read first");
        assertEquals("""
                w-3c9a10|completed|0|coordinator-event|2025-11-05T17:00:03.000Z|recorded|2025-11-05T17:00:29.000Z|null
                w-5d8f02|completed|0|coordinator-event|2025-11-05T17:01:08.000Z|recorded|2025-11-05T17:02:41.000Z|null
                w-a41c6e|failed|1|coordinator-event|2025-11-05T17:01:43.000Z|recorded|null|2025-11-05T17:02:24.000Z
                w-c7e019|completed|0|coordinator-event|2025-11-05T17:02:18.000Z|recorded|2025-11-05T17:03:27.000Z|null
                w-e2f6a3|running|null|null|2025-11-05T17:03:05.000Z|recorded|null|null""", eventsFirst);
    }

    @Test
    void anExplicitEndReasonIsKeptOverADuplicatePlainEnd() throws IOException {
        String start = "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-9\"}";
        String explicit = "{\"event\":\"end_session\",\"ts\":\"2025-11-05T10:00:00Z\",\"session_id\":\"ses-9\","
                + "\"exit_reason\":\"budget_exhausted\"}";
        String plain = "{\"event\":\"end_session\",\"ts\":\"2025-11-05T10:00:00Z\",\"session_id\":\"ses-9\"}";
        String explicitFirst = session(List.of(start, explicit), List.of(plain));
        String plainFirst = session(List.of(start, plain), List.of(explicit));
        assertEquals("budget_exhausted|2025-11-05T10:00:00.000Z|recorded", explicitFirst,
                "the explicit reason read first");
        assertEquals(explicitFirst, plainFirst, "the explicit reason read after the plain end");
    }

    /** The workers after a backfill with {@code first}'s sources, then one with {@code second}'s. */
    private String workers(List<String> first, List<String> second) throws IOException {
        Path db = Files.createDirectories(tmp.resolve("run-" + ++runs)).resolve("taclog.db");
        backfill(db, first);
        backfill(db, second);
        // the launch that failed (w-7b21e4) keeps the first source's stamp: see the docs' open points
        List<Map<String, Object>> rows = Sql.rows(db, "SELECT worker_id, status, exit_code, exit_source, spawned_at, "
                + "time_source, completed_at, failed_at FROM worker_sessions WHERE pid IS NOT NULL ORDER BY worker_id");
        return rows.stream().map(r -> r.values().stream().map(String::valueOf).collect(Collectors.joining("|")))
                .collect(Collectors.joining("\n"));
    }

    /** The session's end after a backfill of one events file, then of a second copy with other lines. */
    private String session(List<String> first, List<String> second) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run-" + ++runs));
        Path db = dir.resolve("taclog.db");
        Path a = Files.writeString(dir.resolve("events-a.jsonl"), String.join("\n", first) + "\n");
        Path b = Files.writeString(dir.resolve("events-b.jsonl"), String.join("\n", second) + "\n");
        backfill(db, List.of("--coordinator-events=" + a));
        backfill(db, List.of("--coordinator-events=" + a, "--coordinator-events=" + b));
        List<Map<String, Object>> rows = Sql.rows(db, "SELECT exit_reason, ended_at, ended_time_source FROM "
                + "coordinator_sessions WHERE session_id = 'ses-9'");
        assertEquals(1, rows.size());
        return rows.get(0).values().stream().map(String::valueOf).collect(Collectors.joining("|"));
    }

    private static void backfill(Path db, List<String> sources) {
        List<String> all = new ArrayList<>(List.of("backfill", "--no-progress", "--db=" + db,
                "--set=taclog.coordinator.timezone=America/Los_Angeles"));
        all.addAll(sources);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(Main.OK, Main.run(all.toArray(String[]::new), new PrintStream(sink, true,
                StandardCharsets.UTF_8), new PrintStream(sink, true, StandardCharsets.UTF_8)),
                sink.toString(StandardCharsets.UTF_8));
    }
}
