package io.taclog.parse.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.TokenUsage;

/**
 * Turns Codex's cumulative usage snapshots into per-call usage, keeping the last snapshot in the file's
 * parser state (so the difference survives batch boundaries and restarts): a snapshot equal to the
 * previous one is no new call; one that grew yields the difference; one that shrank starts over.
 */
final class CumulativeUsage {

    /**
     * One step.
     *
     * @param call the tokens of this call (zero when unchanged)
     * @param snapshotKey the snapshot as text, unique per cumulative value: part of the call's natural key
     */
    record Step(TokenUsage call, boolean unchanged, String snapshotKey) {
    }

    private CumulativeUsage() {
    }

    /**
     * @param whenRestarted the call's usage when the totals went down (a new process); null = the snapshot
     */
    static Step advance(ObjectNode state, String field, TokenUsage snapshot, TokenUsage whenRestarted) {
        JsonNode prevRaw = state.get(field);
        TokenUsage prev = prevRaw == null ? null : CodexUsage.fromRaw(prevRaw);
        ArrayNode raw = LineClassifier.JSON.createArrayNode();
        for (long v : CodexUsage.raw(snapshot)) {
            raw.add(v);
        }
        if (prev != null && prev.equals(snapshot)) {
            return new Step(TokenUsage.ZERO, true, raw.toString());
        }
        TokenUsage call = prev == null ? snapshot
                : snapshot.dominates(prev) ? snapshot.minus(prev)
                : whenRestarted != null ? whenRestarted : snapshot;
        state.set(field, raw);
        return new Step(call, false, raw.toString());
    }
}
