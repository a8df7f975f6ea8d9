package io.taclog.parse.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.TokenUsage;
import org.junit.jupiter.api.Test;

/** The per-call rule of Codex rollouts, thread by thread, without files or a database. */
class ThreadUsageTest {

    private final ObjectNode state = LineClassifier.JSON.createObjectNode();

    /** Codex's form: input includes cached input. */
    private static TokenUsage codex(long input, long cached, long output) {
        return new TokenUsage(input - cached, output, cached, 0, 0);
    }

    @Test
    void theCallIsLastTokenUsageAndAnUnchangedTotalIsNoCall() {
        CumulativeUsage.Step first = ThreadUsage.advance(state, false, codex(1000, 0, 10), codex(1000, 0, 10));
        assertEquals(codex(1000, 0, 10), first.call());
        CumulativeUsage.Step again = ThreadUsage.advance(state, false, codex(1000, 0, 10), codex(1000, 0, 10));
        assertTrue(again.unchanged(), "a re-emission");
        // last_token_usage wins over the growth of the total (they differ when Codex bills a retry)
        CumulativeUsage.Step next = ThreadUsage.advance(state, false, codex(2500, 900, 30), codex(1400, 900, 20));
        assertEquals(codex(1400, 900, 20), next.call());
    }

    @Test
    void aReviewKeepsItsOwnTotalSoTheJumpBackIsAReEmissionOfTheMainOne() {
        ThreadUsage.advance(state, false, codex(710_556, 560_128, 18_234), codex(43_921, 42_880, 692));
        ThreadUsage.startReview(state);
        CumulativeUsage.Step review = ThreadUsage.advance(state, true, codex(4217, 0, 60), codex(4217, 0, 60));
        assertEquals(codex(4217, 0, 60), review.call(), "the drop is the review's first call, not negative usage");
        CumulativeUsage.Step back = ThreadUsage.advance(state, false, codex(710_556, 560_128, 18_234),
                codex(43_921, 42_880, 692));
        assertTrue(back.unchanged(), "the main total again after the review: no call");
        assertFalse(review.snapshotKey().equals(back.snapshotKey()));
    }

    @Test
    void withoutLastTokenUsageTheGrowthIsTheCallAndADropStartsANewBaseline() {
        assertEquals(codex(1000, 0, 10), ThreadUsage.advance(state, false, codex(1000, 0, 10), null).call());
        assertEquals(codex(500, 400, 5), ThreadUsage.advance(state, false, codex(1500, 400, 15), null).call());
        assertEquals(codex(300, 0, 3), ThreadUsage.advance(state, false, codex(300, 0, 3), null).call(),
                "a restarted process: the new total is the call");
        assertEquals(codex(100, 50, 1), ThreadUsage.advance(state, false, codex(400, 50, 4), null).call());
    }
}
