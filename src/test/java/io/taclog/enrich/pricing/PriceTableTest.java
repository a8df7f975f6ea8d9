package io.taclog.enrich.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.model.TokenUsage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cost rules of the bundled price table: token classes, cache-write tiers, long context, model lookup. */
class PriceTableTest {

    private static final double M = 1_000_000.0;
    private final PriceTable bundled = PriceTables.bundled();

    private double cost(String model, TokenUsage u) {
        return bundled.estimate(model, u).costUsd();
    }

    @Test
    void everyTokenClassIsPricedAtItsOwnRate() {
        // claude-sonnet-4-5: input 3, output 15, cache read 0.30, 5-minute write 3.75, 1-hour write 6 per million
        assertEquals(3 / M, cost("claude-sonnet-4-5", new TokenUsage(1, 0, 0, 0, 0)), 1e-15);
        assertEquals(15 / M, cost("claude-sonnet-4-5", new TokenUsage(0, 1, 0, 0, 0)), 1e-15);
        assertEquals(0.30 / M, cost("claude-sonnet-4-5", new TokenUsage(0, 0, 1, 0, 0)), 1e-15);
        assertEquals(3.75 / M, cost("claude-sonnet-4-5", new TokenUsage(0, 0, 0, 1, 0)), 1e-15);
        assertEquals(6 / M, cost("claude-sonnet-4-5", new TokenUsage(0, 0, 0, 0, 1)), 1e-15);
    }

    @Test
    void fiveMinuteAndOneHourCacheWritesOfTheSameSizeCostDifferently() {
        TokenUsage fiveMinutes = new TokenUsage(10, 100, 20_000, 5_000, 0);
        TokenUsage oneHour = new TokenUsage(10, 100, 20_000, 0, 5_000);
        double delta = cost("claude-haiku-4-5", oneHour) - cost("claude-haiku-4-5", fiveMinutes);
        assertEquals(5_000 * (2.0 - 1.25) / M, delta, 1e-12, "haiku-4-5: 1-hour write 2.00, 5-minute write 1.25");
        assertEquals((10 * 1 + 100 * 5 + 20_000 * 0.1 + 5_000 * 1.25) / M, cost("claude-haiku-4-5", fiveMinutes),
                1e-12);
    }

    @Test
    void aRequestOverTwoHundredThousandPromptTokensPaysTheLongRateOnAllItsTokensIncludingOutput() {
        TokenUsage longRequest = new TokenUsage(1_001, 2_000, 150_000, 40_000, 9_000); // prompt 200,001
        CostEstimate e = bundled.estimate("claude-sonnet-4-5-20250929", longRequest);
        assertTrue(e.longContext());
        assertEquals((1_001 * 6 + 2_000 * 22.5 + 150_000 * 0.6 + 40_000 * 7.5 + 9_000 * 12.0) / M, e.costUsd(), 1e-12);
    }

    @Test
    void exactlyTwoHundredThousandPromptTokensIsNotLongContext() {
        TokenUsage atThreshold = new TokenUsage(1_000, 2_000, 150_000, 40_000, 9_000); // prompt 200,000
        CostEstimate e = bundled.estimate("claude-sonnet-4-5", atThreshold);
        assertFalse(e.longContext());
        assertEquals((1_000 * 3 + 2_000 * 15 + 150_000 * 0.3 + 40_000 * 3.75 + 9_000 * 6.0) / M, e.costUsd(), 1e-12);
    }

    @Test
    void anOpenAiPromptOver272ThousandTokensPaysTheLongRatesOfTheSnapshotOnAllItsTokens() {
        // Codex usage: cached input is a subset of input; taclog stores it as cache reads, so the prompt is both
        TokenUsage longRequest = new TokenUsage(72_001, 3_000, 200_000, 0, 0); // prompt 272,001
        CostEstimate e = bundled.estimate("gpt-5.5", longRequest);
        assertTrue(e.longContext());
        assertEquals((72_001 * 10 + 3_000 * 45 + 200_000 * 1.0) / M, e.costUsd(), 1e-12);
        CostEstimate at = bundled.estimate("gpt-5.5", new TokenUsage(72_000, 3_000, 200_000, 0, 0));
        assertFalse(at.longContext());
        assertEquals((72_000 * 5 + 3_000 * 30 + 200_000 * 0.5) / M, at.costUsd(), 1e-12);
    }

    @Test
    void outputAloneNeverMakesARequestLong() {
        assertFalse(bundled.estimate("claude-sonnet-4-5", new TokenUsage(10, 250_000, 0, 0, 0)).longContext());
    }

    @Test
    void aModelWithoutALongContextTierKeepsItsRateAtAnySize() {
        CostEstimate e = bundled.estimate("claude-opus-4-5", new TokenUsage(300_000, 0, 0, 0, 0));
        assertFalse(e.longContext());
        assertEquals(300_000 * 5 / M, e.costUsd(), 1e-12);
    }

    @Test
    void findsModelsUnderTheIdsTranscriptsAndProvidersWrite() {
        List<String[]> cases = List.of(
                new String[] {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},      // dated id (alias)
                new String[] {"claude-haiku-4-5-20251001", "claude-haiku-4-5"},
                new String[] {"claude-opus-4-20250514", "claude-opus-4"},
                new String[] {"claude-4-opus-20250514", "claude-opus-4"},              // old alias form
                new String[] {"Claude-Sonnet-4-5", "claude-sonnet-4-5"},               // case
                new String[] {"claude-opus-4-6-20991231", "claude-opus-4-6"},          // a date it does not list
                new String[] {"anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"}, // Bedrock
                new String[] {"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"},
                new String[] {"global.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"},
                new String[] {"bedrock/eu.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4"},
                new String[] {"claude-opus-4-1@20250805", "claude-opus-4-1"},          // Vertex
                new String[] {"vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5"},
                new String[] {"gpt-5-2025-08-07", "gpt-5"},                            // OpenAI dated
                new String[] {"gpt-5.3-codex", "gpt-5.3-codex"},
                new String[] {"azure/gpt-5.4-mini", "gpt-5.4-mini"});
        for (String[] c : cases) {
            assertEquals(Optional.of(c[1]), bundled.lookup(c[0]).map(ModelPrice::id), c[0]);
        }
    }

    @Test
    void anUnknownModelHasANullCostNeverZero() {
        for (String model : new String[] {"claude-nova-9", "<synthetic>", "unknown", "", null}) {
            CostEstimate e = bundled.estimate(model, new TokenUsage(100, 100, 0, 0, 0));
            assertNull(e.costUsd(), String.valueOf(model));
            assertFalse(e.known());
            assertEquals(bundled.version(), e.priceVersion(), "the version that had no price is still recorded");
        }
    }

    @Test
    void openAiCachedInputIsBilledAtTheCacheReadRate() {
        // gpt-5.3-codex: input 1.75, cached input 0.175, output 14 per million (Codex logs: cached inside input)
        assertEquals((1_000 * 1.75 + 9_000 * 0.175 + 500 * 14) / M,
                cost("gpt-5.3-codex", new TokenUsage(1_000, 500, 9_000, 0, 0)), 1e-12);
    }
}
