package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.StreamJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's end is known from two sources: the transcript's result line (completed or failed) and the
 * coordinator's exit (the reaper's exited or failed). Whichever is read first, the worker ends with the same
 * row: the stronger status (failed over completed over exited), the exit code, the transcript's figures. The
 * same for a stream's result lines: a later copy without a figure never clears or lowers one.
 */
class WorkerEndOrderIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String SUCCESS = result("success", false, "0.25", 1000, 4);
    private static final String ERROR = result("error_max_turns", true, "0.25", 1000, 4);

    @TempDir
    Path tmp;
    private int runs;

    @Test
    void anExitZeroDoesNotUndoACompletedResult() throws IOException {
        assertSameEitherOrder(SUCCESS, exit("exited", 0, null),
                "completed|0|null|success|0.25|4|1000.0|false|1");
    }

    @Test
    void anExitZeroDoesNotUndoAnErrorResult() throws IOException {
        assertSameEitherOrder(ERROR, exit("exited", 0, null),
                "failed|0|transcript result: error_max_turns|error_max_turns|0.25|4|1000.0|true|1");
    }

    @Test
    void aNonZeroExitFailsAWorkerWhoseResultWasASuccess() throws IOException {
        assertSameEitherOrder(SUCCESS, exit("failed", 1, "exited with status 1"),
                "failed|1|exited with status 1|success|0.25|4|1000.0|false|1");
    }

    @Test
    void anErrorResultGivesTheReasonOfAFailedExit() throws IOException {
        assertSameEitherOrder(ERROR, exit("failed", 1, "exited with status 1"),
                "failed|1|transcript result: error_max_turns|error_max_turns|0.25|4|1000.0|true|1");
    }

    @Test
    void aLaterResultLineWithoutFiguresKeepsTheReportedOnes() throws IOException {
        // the same run's totals, once complete and once without cost, turns, usage and with a shorter duration
        String partial = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":400,"
                + "\"result\":\"ok\",\"session_id\":\"%s\"}";
        String full = worker(List.of(SUCCESS, partial), null);
        String reverse = worker(List.of(partial, SUCCESS), null);
        assertEquals("completed|null|null|success|0.25|4|1000.0|false|1", full);
        assertEquals(full, reverse, "the same row whichever copy came last");
    }

    @Test
    void anErrorResultIsKeptOverALaterSuccessfulOne() throws IOException {
        // two result lines of one run (a resumed session, a second copy): the error seen is kept, as the status keeps
        // failed, with its own subtype
        String errorFirst = worker(List.of(ERROR, SUCCESS), null);
        String successFirst = worker(List.of(SUCCESS, ERROR), null);
        assertEquals("failed|null|transcript result: error_max_turns|error_max_turns|0.25|4|1000.0|true|1",
                errorFirst);
        assertEquals(errorFirst, successFirst, "the same row whichever result line came last");
    }

    @Test
    void aSpawnedWorkerWhoseTranscriptHasLinesIsRunningWhicheverWasReadFirst() throws IOException {
        for (boolean spawnFirst : new boolean[] {true, false}) {
            Path dir = Files.createDirectories(tmp.resolve("running-" + spawnFirst));
            Path logs = Files.createDirectories(dir.resolve("logs"));
            Path log = logs.resolve("gh-77.jsonl");
            Path events = Files.writeString(dir.resolve("events.jsonl"), "{\"event\":\"start_session\",\"ts\":"
                    + "\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-77\"}\n{\"event\":\"worker_spawn\",\"ts\":"
                    + "\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-77\",\"worker_id\":\"w-777777\",\"task_id\":"
                    + "\"gh-77\",\"pid\":4242,\"status\":\"spawned\",\"log_file\":\"" + log + "\"}\n");
            Path db = dir.resolve("taclog.db");
            if (spawnFirst) {
                backfill("--db", db.toString(), "--coordinator-events", events.toString());
                assertEquals("spawned", status(db), "spawned, no line of its transcript yet");
                transcript(dir, List.of());
            } else {
                transcript(dir, List.of());
                backfill("--db", db.toString(), "--watch", logs.toString());
            }
            backfill("--db", db.toString(), "--watch", logs.toString(), "--coordinator-events", events.toString());
            assertEquals("running", status(db), spawnFirst ? "the spawn read first" : "the transcript read first");
        }
    }

    private static String status(Path db) {
        return String.valueOf(Sql.rows(db, "SELECT status FROM worker_sessions WHERE worker_id = 'w-777777'").get(0)
                .get("status"));
    }

    private void assertSameEitherOrder(String result, String exit, String expected) throws IOException {
        String transcriptFirst = worker(List.of(result), exit);
        String exitFirst = workerExitFirst(result, exit);
        assertEquals(expected, transcriptFirst, "the transcript's result read first");
        assertEquals(expected, exitFirst, "the coordinator's exit read first");
    }

    /** The worker row after a backfill of its transcript, then one of the coordinator's events. */
    private String worker(List<String> results, String exit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run-" + ++runs));
        Path log = transcript(dir, results);
        Path db = dir.resolve("taclog.db");
        backfill("--db", db.toString(), "--watch", log.getParent().toString());
        if (exit != null) {
            backfill("--db", db.toString(), "--watch", log.getParent().toString(), "--coordinator-events",
                    events(dir, log, exit).toString());
        }
        return row(db, exit == null ? "gh-77" : "w-777777");
    }

    /** The worker row after a backfill of the coordinator's events, then one of the transcript. */
    private String workerExitFirst(String result, String exit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run-" + ++runs));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("gh-77.jsonl");
        Path db = dir.resolve("taclog.db");
        Path events = events(dir, log, exit);
        backfill("--db", db.toString(), "--coordinator-events", events.toString());
        transcript(dir, List.of(result));
        backfill("--db", db.toString(), "--watch", logs.toString(), "--coordinator-events", events.toString());
        return row(db, "w-777777");
    }

    private static Path transcript(Path dir, List<String> results) throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        StreamJson s = new StreamJson("77777777-aaaa-4bbb-8ccc-000000000077");
        List<String> lines = new ArrayList<>(List.of(s.init(MODEL, "/w/trees/gh-77"),
                s.text("msg_01Seven", MODEL, "done", 3, 20, 1000, 0)));
        results.forEach(r -> lines.add(r.formatted(s.sessionId())));
        return Files.writeString(logs.resolve("gh-77.jsonl"), String.join("\n", lines) + "\n");
    }

    private static Path events(Path dir, Path log, String exit) throws IOException {
        return Files.writeString(dir.resolve("events.jsonl"), "{\"event\":\"start_session\",\"ts\":"
                + "\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-77\"}\n{\"event\":\"worker_spawn\",\"ts\":"
                + "\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-77\",\"worker_id\":\"w-777777\",\"task_id\":"
                + "\"gh-77\",\"pid\":4242,\"log_file\":\"" + log + "\"}\n" + exit + "\n");
    }

    private static String exit(String status, int code, String reason) {
        return "{\"event\":\"worker_status_change\",\"ts\":\"2025-11-05T09:10:00Z\",\"worker_id\":\"w-777777\","
                + "\"status\":\"" + status + "\",\"exit_code\":" + code
                + (reason == null ? "" : ",\"failure_reason\":\"" + reason + "\"") + "}";
    }

    private static String result(String subtype, boolean error, String cost, int durationMs, int turns) {
        return "{\"type\":\"result\",\"subtype\":\"" + subtype + "\",\"is_error\":" + error + ",\"duration_ms\":"
                + durationMs + ",\"num_turns\":" + turns + ",\"result\":\"ok\",\"session_id\":\"%s\","
                + "\"total_cost_usd\":" + cost + ",\"modelUsage\":{\"" + MODEL + "\":{\"inputTokens\":3,"
                + "\"outputTokens\":20,\"cacheReadInputTokens\":1000,\"cacheCreationInputTokens\":0,"
                + "\"webSearchRequests\":0,\"costUSD\":" + cost + "}}}";
    }

    private static String row(Path db, String worker) {
        List<Map<String, Object>> rows = Sql.rows(db, "SELECT status, exit_code, failure_reason, result_subtype, "
                + "reported_cost_usd, num_turns, duration_ms, result_is_error, "
                + "(SELECT COUNT(*) FROM worker_model_usage u WHERE u.worker_id = w.worker_id) AS models, "
                + "COALESCE(completed_at, failed_at) AS ended FROM worker_sessions w WHERE worker_id = '"
                + worker + "'");
        assertEquals(1, rows.size(), "one row for " + worker + " in " + Sql.rows(db, "SELECT worker_id, status "
                + "FROM worker_sessions"));
        Map<String, Object> r = rows.get(0);
        assertNotNull(r.get("ended"), "an end time");
        Object error = r.get("result_is_error");
        return r.get("status") + "|" + r.get("exit_code") + "|" + r.get("failure_reason") + "|"
                + r.get("result_subtype") + "|" + r.get("reported_cost_usd") + "|" + r.get("num_turns") + "|"
                + r.get("duration_ms") + "|" + (error == null ? null : !Integer.valueOf(0).equals(error)
                        && !Boolean.FALSE.equals(error)) + "|" + r.get("models");
    }

    private static void backfill(String... args) {
        List<String> all = new ArrayList<>(List.of("backfill", "--no-progress"));
        all.addAll(List.of(args));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(Main.OK, Main.run(all.toArray(String[]::new), new PrintStream(sink, true,
                StandardCharsets.UTF_8), new PrintStream(sink, true, StandardCharsets.UTF_8)),
                sink.toString(StandardCharsets.UTF_8));
    }
}
