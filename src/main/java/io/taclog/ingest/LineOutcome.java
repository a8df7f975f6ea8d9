package io.taclog.ingest;

import io.taclog.model.Fact;
import java.util.List;

/** What became of one input line: rows, a deliberate skip with a reason, or a reject with an error. */
public sealed interface LineOutcome {

    /** The line produced facts (possibly several rows in several tables). */
    record Rows(List<Fact> facts) implements LineOutcome {
        public Rows {
            facts = List.copyOf(facts);
        }
    }

    /** The line was understood and deliberately not stored; {@code reason} is counted in the ledger. */
    record Skipped(String reason) implements LineOutcome {
    }

    /** The line could not be used; it goes to the quarantine table with {@code error}. */
    record Rejected(String error) implements LineOutcome {
    }

    /**
     * A broken line from which a whole record was recovered (a record glued to the torn tail of another).
     * The ledger counts the line by {@code inner}; the torn prefix is quarantined as a fragment.
     */
    record Recovered(LineOutcome inner, int fragmentLength, String fragmentError) implements LineOutcome {
    }

    static LineOutcome rows(List<Fact> facts) {
        return facts.isEmpty() ? new Skipped(SkipReasons.NO_ROWS) : new Rows(facts);
    }

    static LineOutcome rows(Fact... facts) {
        return rows(List.of(facts));
    }

    static LineOutcome skip(String reason) {
        return new Skipped(reason);
    }

    static LineOutcome reject(String error) {
        return new Rejected(error);
    }
}
