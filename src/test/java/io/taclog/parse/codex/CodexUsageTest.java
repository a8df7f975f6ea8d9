package io.taclog.parse.codex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.model.TokenUsage;
import org.junit.jupiter.api.Test;

/** OpenAI usage as Codex writes it (cached tokens inside input tokens) in taclog's disjoint form. */
class CodexUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cachedTokensAreTakenOutOfInputAndStoredAsCacheReads() throws Exception {
        // localpush T20-34-25: last 44,218 in / 42,880 cached / 96 out / total 44,314
        TokenUsage u = CodexUsage.of(JSON.readTree("{\"input_tokens\":44218,\"cached_input_tokens\":42880,"
                + "\"output_tokens\":96,\"reasoning_output_tokens\":64,\"total_tokens\":44314}"));
        assertEquals(new TokenUsage(1338, 96, 42880, 0, 0), u);
        assertEquals(44314, u.total(), "total = input + output, as Codex counts it");
    }

    @Test
    void reasoningTokensAreInsideOutputAndNotAddedAgain() throws Exception {
        assertEquals(50, CodexUsage.of(JSON.readTree("{\"input_tokens\":10,\"output_tokens\":50,"
                + "\"reasoning_output_tokens\":40}")).output());
    }

    @Test
    void moreCachedThanInputIsCappedAtTheInput() throws Exception {
        assertEquals(new TokenUsage(0, 1, 10, 0, 0), CodexUsage.of(JSON.readTree(
                "{\"input_tokens\":10,\"cached_input_tokens\":12,\"output_tokens\":1}")));
    }

    @Test
    void theStoredCumulativeFormRoundTrips() throws Exception {
        TokenUsage u = new TokenUsage(1338, 96, 42880, 0, 0);
        assertArrayEquals(new long[] {44218, 42880, 96}, CodexUsage.raw(u));
        assertEquals(u, CodexUsage.fromRaw(JSON.readTree("[44218,42880,96]")));
    }

    @Test
    void missingUsageIsZero() throws Exception {
        assertEquals(TokenUsage.ZERO, CodexUsage.of(null));
        assertEquals(TokenUsage.ZERO, CodexUsage.of(JSON.readTree("null")));
    }
}
