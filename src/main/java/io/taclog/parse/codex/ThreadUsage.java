package io.taclog.parse.codex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.TokenUsage;

/**
 * Per-call usage of a Codex rollout's {@code token_count} events, thread by thread. A rollout reports two
 * threads: the main one and, during a review, the review sub-agent's (whose running total restarts small and
 * then jumps back to the main one's). Each thread keeps its last running total in the file's parser state,
 * so the rules hold across batch boundaries and restarts:
 * <ul>
 *   <li>a total equal to the thread's previous one is a re-emission (Codex repeats it at a turn's start and
 *       on returning from a review), not a call;</li>
 *   <li>otherwise the call is {@code last_token_usage};</li>
 *   <li>only without it (rollouts before {@code last_token_usage} existed) the call is the growth of the
 *       running total, and a total that went down starts a new baseline (a restarted process): never a
 *       negative or "catch-up" figure.</li>
 * </ul>
 */
final class ThreadUsage {

    /** The main thread's field keeps the name earlier versions stored, so their saved states still apply. */
    private static final String MAIN_TOTAL = "cx.total";
    private static final String REVIEW_TOTAL = "cx.review-total";

    private ThreadUsage() {
    }

    /** A review begins: its thread counts from nothing. */
    static void startReview(ObjectNode state) {
        state.remove(REVIEW_TOTAL);
    }

    /**
     * @param review whether the event belongs to the review thread
     * @param total {@code total_token_usage}
     * @param last {@code last_token_usage}, or null when the event has none
     */
    static CumulativeUsage.Step advance(ObjectNode state, boolean review, TokenUsage total, TokenUsage last) {
        CumulativeUsage.Step step = CumulativeUsage.advance(state, review ? REVIEW_TOTAL : MAIN_TOTAL, total, last);
        // the running total only tells re-emissions apart; the call itself is what Codex says it was
        return last == null || step.unchanged() ? step : new CumulativeUsage.Step(last, false, step.snapshotKey());
    }
}
