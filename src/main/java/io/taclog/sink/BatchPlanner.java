package io.taclog.sink;

import io.taclog.model.Fact;
import java.util.List;
import java.util.Map;

/**
 * Lets a fact writer look at a whole batch before it is written and say which facts can be written as fewer
 * statements, with the same rows as a result. The ledger still counts every fact of every line; only the
 * statements change.
 */
public interface BatchPlanner {

    /**
     * For facts (in batch order) that need not be written as they are: the fact to write in their place, or
     * {@link #ABSORBED} when another fact's write already covers them.
     */
    Map<Fact, Fact> plan(List<Fact> facts);

    /** Marker value of {@link #plan}: nothing to write for this fact. */
    Fact ABSORBED = new Fact() {
        @Override
        public String toString() {
            return "absorbed";
        }
    };
}
