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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detection event creates a task and fills its details; a later one (a repeated event, the issue seen again)
 * never moves the task's status back, in a backfill or live, and whatever order the records come in.
 */
class TaskRedetectionIT {

    @TempDir
    Path tmp;
    private int runs;

    /** Status and title of gh-5 after a backfill of these events. */
    private String after(String... events) throws IOException {
        runs++;
        Path file = Files.writeString(tmp.resolve("events-" + runs + ".jsonl"),
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-1\"}\n"
                        + String.join("\n", events) + "\n");
        Path db = tmp.resolve("t-" + runs + ".db");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(Main.OK, Main.run(new String[] {"backfill", "--db", db.toString(), "--coordinator-events",
            file.toString(), "--no-progress"}, new PrintStream(sink, true, StandardCharsets.UTF_8),
                new PrintStream(sink, true, StandardCharsets.UTF_8)), sink.toString(StandardCharsets.UTF_8));
        Map<String, Object> t = Sql.rows(db, "SELECT status, title FROM tasks WHERE task_id = 'gh-5'").get(0);
        return t.get("status") + "|" + t.get("title");
    }

    private static String detected(String ts, String title) {
        return "{\"event\":\"task_detected\",\"ts\":\"" + ts + "\",\"session_id\":\"ses-1\",\"task_id\":\"gh-5\","
                + "\"title\":\"" + title + "\"}";
    }

    private static String status(String ts, String status) {
        return "{\"event\":\"task_status_change\",\"ts\":\"" + ts + "\",\"session_id\":\"ses-1\","
                + "\"task_id\":\"gh-5\",\"status\":\"" + status + "\"}";
    }

    @Test
    void aLaterDetectionKeepsTheStatusAndUpdatesTheDetails() throws IOException {
        assertEquals("active|Fix it (edited)", after(detected("2025-11-05T09:00:01Z", "Fix it"),
                status("2025-11-05T09:00:02Z", "assigned"), status("2025-11-05T09:00:03Z", "active"),
                detected("2025-11-05T09:05:00Z", "Fix it (edited)")));
    }

    @Test
    void aStatusWrittenBeforeItsDetectionStaysWhenTheDetectionIsRead() throws IOException {
        assertEquals("assigned|Fix it", after(status("2025-11-05T09:00:02Z", "assigned"),
                detected("2025-11-05T09:00:01Z", "Fix it")));
        assertEquals("assigned|Fix it", after(status("2025-11-05T09:00:02Z", "assigned"),
                detected("2025-11-05T09:00:03Z", "Fix it")), "a detection stamped after the status too");
    }

    @Test
    void aDetectionAloneIsTheStatus() throws IOException {
        assertEquals("detected|Fix it", after(detected("2025-11-05T09:00:01Z", "Fix it")));
    }
}
