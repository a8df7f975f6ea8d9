package io.taclog.enrich.pairing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In-batch pairing: within one stream, call before result, the latency the writer would compute. */
class BatchToolPairingTest {

    private static final StreamRef SESSION = new StreamRef("s-1", "claude", "/p/a.jsonl", null, null);
    private static final StreamRef FORK = new StreamRef("s-2", "claude", "/p/b.jsonl", null, null);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.000400Z");

    private static ConversationBlock call(StreamRef s, String id, Instant at, String source) {
        return new ConversationBlock(s, "tu:" + id, at, source, "assistant", "tool_use", "{}", "Bash", "{}", null, null,
                id, false, null, "m1", "claude-sonnet-4-5");
    }

    private static ConversationBlock result(StreamRef s, String id, Instant at, String source) {
        return new ConversationBlock(s, "tr:" + id, at, source, "user", "tool_result", "ok", null, null, "ok", true,
                id, false, null, null, null);
    }

    @Test
    void aResultTakesItsCallsNameAndTheLatencyFromTheCallsStoredMilliseconds() {
        ConversationBlock r = result(SESSION, "t1", T0.plusMillis(250), TimeSource.RECORDED);
        Map<Fact, BatchToolPairing.Pair> pairs = new BatchToolPairing().pair(
                List.of(call(SESSION, "t1", T0, TimeSource.RECORDED), r));
        // 250.4 ms between the instants; the writer stores the call at 10:00:00.000 and measures from there
        assertEquals(new BatchToolPairing.Pair("Bash", 250.0), pairs.get(r));
    }

    @Test
    void noLatencyUnlessBothTimesWereRecordedAndNoPairAcrossStreamsOrBeforeTheCall() {
        ConversationBlock observed = result(SESSION, "t1", T0.plusSeconds(1), TimeSource.OBSERVED);
        ConversationBlock otherStream = result(FORK, "t2", T0.plusSeconds(1), TimeSource.RECORDED);
        ConversationBlock early = result(SESSION, "t3", T0, TimeSource.RECORDED);
        Map<Fact, BatchToolPairing.Pair> pairs = new BatchToolPairing().pair(List.of(
                call(SESSION, "t1", T0, TimeSource.RECORDED), observed,
                call(SESSION, "t2", T0, TimeSource.RECORDED), otherStream,
                early, call(SESSION, "t3", T0, TimeSource.RECORDED)));
        assertEquals("Bash", pairs.get(observed).toolName());
        assertNull(pairs.get(observed).latencyMs());
        assertFalse(pairs.containsKey(otherStream), "a fork copies its parent's ids: never paired across streams");
        assertFalse(pairs.containsKey(early), "a result before its call is left to the writer");
    }
}
