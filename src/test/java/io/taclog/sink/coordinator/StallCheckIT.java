package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.MutableClock;
import io.taclog.testing.coordinator.Tac8;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stalled workers: running per the coordinator, silent in their transcript longer than the threshold.
 * One warning per silence; a worker that speaks again and goes quiet again is reported again; an ended
 * worker is never reported.
 */
class StallCheckIT {

    @TempDir
    Path tmp;

    private static String streamLine(String sid, int n) {
        return "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_" + sid + n
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"step " + n
                + "\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":5,\"cache_read_input_tokens\":0,"
                + "\"cache_creation_input_tokens\":0}},\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\"}";
    }

    @Test
    void oneWarningPerSilenceAndNoneForEndedWorkers() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-11-05T17:00:00Z"));
        Path log = tmp.resolve("coordinator.log");
        Path logs = tmp.resolve("logs");
        LogStory coordinator = new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.spawn("gh-1", "w-111111", 1),
                Tac8.spawn("gh-2", "w-222222", 2)));
        LogStory transcript = new LogStory(logs.resolve("gh-1.jsonl"));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).transcripts(logs).clock(clock)
                .set("taclog.derive.stall-minutes", "15").start()) {
            StallCheck stall = (StallCheck) h.runtime().formats().camelBeans().get("stallCheck");
            h.pump();
            clock.advance(Duration.ofMinutes(1));
            transcript.lines("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\",\"cwd\":\"/x\"}",
                    streamLine("s-1", 1));
            h.pump();

            clock.advance(Duration.ofMinutes(19));
            assertEquals(2, stall.run(), "w-111111 silent 19 min, w-222222 never spoke (20 min)");
            clock.advance(Duration.ofMinutes(5));
            assertEquals(0, stall.run(), "the same silences are not reported twice");

            transcript.lines(streamLine("s-1", 2)); // w-111111 speaks again ...
            h.pump();
            clock.advance(Duration.ofMinutes(10));
            assertEquals(0, stall.run(), "... and is quiet for only 10 min");
            coordinator.lines("👶 Reaped worker w-222222 (PID 2, exit 0)");
            h.pump();
            clock.advance(Duration.ofMinutes(10));
            assertEquals(1, stall.run(), "a second silence of w-111111; the reaped w-222222 is not a worker any more");
        }
        Db db = new Db(tmp.resolve("t.db"));
        List<String> stalled = db.column("SELECT worker_id FROM system_events WHERE event_type = 'worker_stalled' "
                + "ORDER BY event_id");
        assertEquals(List.of("w-111111", "w-222222", "w-111111"), stalled);
        String first =
                db.text("SELECT details FROM system_events WHERE event_type = 'worker_stalled' ORDER BY event_id "
                        + "LIMIT 1");
        assertTrue(first.contains("\"derived\":true") && first.contains("\"threshold_minutes\":15")
                && first.contains("\"last_activity_at\":\"2025-11-05T17:01:00.000Z\""), first);
        assertTrue(db.text("SELECT details FROM system_events WHERE worker_id = 'w-222222' AND event_type = "
                + "'worker_stalled'")
                .contains("none seen: silent since its spawn"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM derived_episodes WHERE kind = 'stall' AND closed_at IS NOT NULL "
                + "AND subject_id = 'w-111111'"), "the first silence of w-111111 ended when it spoke again");
    }

    @Test
    void theTimerRouteDoesNothingInABackfillWhereWallClockTimeSaysNothing() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Path log = tmp.resolve("coordinator.log");
        new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.spawn("gh-1", "w-111111", 1)));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).clock(clock).backfill()
                .start()) {
            h.pump();
            StallCheck stall = (StallCheck) h.runtime().formats().camelBeans().get("stallCheck");
            clock.advance(Duration.ofDays(30));
            assertEquals(0, stall.run());
            assertTrue(h.finishBackfill().contains("stalled workers: 0"), "as of the newest time in the data");
        }
    }
}
