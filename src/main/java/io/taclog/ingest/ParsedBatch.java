package io.taclog.ingest;

import io.taclog.enrich.pairing.BatchToolPairing;
import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.model.Fact;
import io.taclog.source.TailBatch;
import java.util.List;
import java.util.Map;

/**
 * A tail batch after parsing: every line with its outcome, and each file's parser state at the end of
 * its range (committed together with the range's offset).
 *
 * <p>The route steps between parsing and the commit enrich it without touching the lines: {@code plan} maps
 * facts that one statement stores for several lines (the sightings of one API response) to what is written
 * instead, {@code prices} holds the cost estimate of each API call to store and {@code pairs} what each tool
 * result takes from its call in the same batch. Each is null when its step did not run (a user removed it from
 * the route): the writer then does that work itself, so a route without them stores the same rows, only with
 * more of the work on the writer's thread.
 */
public record ParsedBatch(TailBatch source, List<ParsedLine> lines, Map<Long, String> endStates,
                          Map<Fact, Fact> plan, Map<Fact, CostEstimate> prices,
                          Map<Fact, BatchToolPairing.Pair> pairs) {

    public ParsedBatch(TailBatch source, List<ParsedLine> lines, Map<Long, String> endStates) {
        this(source, lines, endStates, null, null, null);
    }

    public ParsedBatch withPlan(Map<Fact, Fact> plan) {
        return new ParsedBatch(source, lines, endStates, plan, prices, pairs);
    }

    public ParsedBatch withPrices(Map<Fact, CostEstimate> prices) {
        return new ParsedBatch(source, lines, endStates, plan, prices, pairs);
    }

    public ParsedBatch withPairs(Map<Fact, BatchToolPairing.Pair> pairs) {
        return new ParsedBatch(source, lines, endStates, plan, prices, pairs);
    }
}
