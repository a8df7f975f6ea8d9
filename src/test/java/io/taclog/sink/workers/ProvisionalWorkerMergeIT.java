package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.cli.Main;
import io.taclog.sink.Database;
import io.taclog.testing.transcripts.StreamJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker that a transcript already ended keeps its ended status when the coordinator's record arrives. */
class ProvisionalWorkerMergeIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";

    @TempDir
    Path tmp;

    @Test
    void aResultSeenBeforeTheSpawnRecordLeavesTheMergedWorkerCompleted() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path log = logs.resolve("gh-77.jsonl");
        StreamJson s = new StreamJson("77777777-aaaa-4bbb-8ccc-000000000077");
        Files.writeString(log, String.join("\n", List.of(
                s.init(MODEL, "/w/trees/gh-77"),
                s.text("msg_01Seven", MODEL, "done", 3, 20, 1000, 0),
                "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":1000,"
                        + "\"num_turns\":1,\"result\":\"ok\",\"session_id\":\"" + s.sessionId()
                        + "\",\"total_cost_usd\":0.01}")) + "\n");
        String db = tmp.resolve("taclog.db").toString();
        assertEquals(0, run("backfill", "--db", db, "--watch", logs.toString(), "--no-progress"));
        assertEquals("completed", status("gh-77"), "the transcript's result ended the provisional worker");

        Path events = tmp.resolve("events.jsonl");
        Files.writeString(events, "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":"
                + "\"ses-77\"}\n{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-77\","
                + "\"worker_id\":\"w-777777\",\"task_id\":\"gh-77\",\"pid\":4242,\"log_file\":\"" + log + "\"}\n");
        assertEquals(0, run("backfill", "--db", db, "--watch", logs.toString(), "--coordinator-events",
                events.toString(), "--no-progress"));
        assertEquals("completed", status("w-777777"), "merged into the coordinator's worker, still completed");
        assertEquals(null, status("gh-77"), "the provisional name is gone");
    }

    private String status(String worker) throws Exception {
        try (Connection c = Database.openReadOnly(tmp.resolve("taclog.db"), 5000); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM worker_sessions WHERE worker_id = '" + worker + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return Main.run(args, new PrintStream(sink), new PrintStream(sink));
    }
}
