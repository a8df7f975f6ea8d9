package io.taclog.parse.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.model.ModelUsage;
import io.taclog.model.TokenUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic usage objects as Claude Code writes them, in every version's shape. */
class ClaudeUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TokenUsage of(String json) throws Exception {
        return ClaudeUsage.of(JSON.readTree(json));
    }

    @Test
    void theCacheCreationSplitSeparatesFiveMinuteAndOneHourWrites() throws Exception {
        assertEquals(new TokenUsage(10, 8, 15364, 700, 2039), of("{\"input_tokens\":10,\"cache_creation_input_tokens\":"
                + "2739,\"cache_read_input_tokens\":15364,\"cache_creation\":{\"ephemeral_5m_input_tokens\":700,"
                + "\"ephemeral_1h_input_tokens\":2039},\"output_tokens\":8,\"service_tier\":\"standard\"}"));
    }

    @Test
    void withoutASplitEveryCacheWriteIsAFiveMinuteWrite() throws Exception {
        // July 2025 captures and v1.0 transcripts: no cache_creation object; 5 minutes is the API's default
        assertEquals(new TokenUsage(4, 21, 13502, 1417, 0), of("{\"input_tokens\":4,\"cache_creation_input_tokens\":"
                + "1417,\"cache_read_input_tokens\":13502,\"output_tokens\":21,\"service_tier\":\"standard\"}"));
    }

    @Test
    void aSplitWithoutTheTotalStillCounts() throws Exception {
        assertEquals(new TokenUsage(1, 2, 0, 30, 70), of("{\"input_tokens\":1,\"output_tokens\":2,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":30,\"ephemeral_1h_input_tokens\":70}}"));
    }

    @Test
    void aOneHourPartLargerThanTheTotalIsCappedAtTheTotal() throws Exception {
        assertEquals(new TokenUsage(0, 0, 0, 0, 50), of("{\"cache_creation_input_tokens\":50,\"cache_creation\":"
                + "{\"ephemeral_1h_input_tokens\":80}}"));
    }

    @Test
    void missingOrNullUsageIsZeroAndNullsInsideAreZero() throws Exception {
        assertEquals(TokenUsage.ZERO, ClaudeUsage.of(null));
        assertEquals(TokenUsage.ZERO, of("null"));
        assertEquals(new TokenUsage(0, 5, 0, 0, 0), of("{\"input_tokens\":null,\"output_tokens\":5,"
                + "\"cache_creation\":null,\"service_tier\":null}"));
    }

    @Test
    void theResultLinesModelUsageKeepsEveryModelWithItsReportedCost() throws Exception {
        JsonNode mu = JSON.readTree("{\"claude-haiku-4-5-20251001\":{\"inputTokens\":26700,\"outputTokens\":988,"
                + "\"cacheReadInputTokens\":0,\"cacheCreationInputTokens\":0,\"webSearchRequests\":0,"
                + "\"costUSD\":0.03164,\"contextWindow\":200000},"
                + "\"claude-sonnet-4-5-20250929\":{\"inputTokens\":667,\"outputTokens\":33546,"
                + "\"cacheReadInputTokens\":3180197,\"cacheCreationInputTokens\":71751,\"webSearchRequests\":2,"
                + "\"costUSD\":1.72831635,\"contextWindow\":200000,\"maxOutputTokens\":64000}}");
        assertEquals(List.of(
                new ModelUsage("claude-haiku-4-5-20251001", 26700, 988, 0, 0, 0, 0.03164, 200000L),
                new ModelUsage("claude-sonnet-4-5-20250929", 667, 33546, 3180197, 71751, 2, 1.72831635, 200000L)),
                ClaudeUsage.modelUsage(mu));
        assertEquals(List.of(), ClaudeUsage.modelUsage(JSON.readTree("{}")), "the empty run's modelUsage");
        assertEquals(List.of(), ClaudeUsage.modelUsage(null), "July 2025 results have none");
    }
}
