package io.taclog.sink;

import io.taclog.model.Fact;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Finds the writer for each fact type. */
public final class FactWriters {

    private final Map<Class<?>, FactWriter<?>> byType = new HashMap<>();
    private final List<BatchPlanner> planners = new ArrayList<>();

    public FactWriters(List<FactWriter<?>> writers) {
        for (FactWriter<?> w : writers) {
            if (byType.put(w.type(), w) != null) {
                throw new IllegalArgumentException("two writers for " + w.type().getName());
            }
            if (w instanceof BatchPlanner p) {
                planners.add(p);
            }
        }
    }

    /** What the writers' planners replace or absorb in a batch's facts (see {@link BatchPlanner}). */
    public Map<Fact, Fact> plan(List<Fact> facts) {
        if (planners.isEmpty()) {
            return Map.of();
        }
        Map<Fact, Fact> out = new IdentityHashMap<>();
        for (BatchPlanner p : planners) {
            out.putAll(p.plan(facts));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public void write(Fact fact, WriteContext ctx) throws SQLException {
        FactWriter<Fact> w = (FactWriter<Fact>) byType.get(fact.getClass());
        if (w == null) {
            throw new IllegalStateException("no writer for fact type " + fact.getClass().getName());
        }
        w.write(fact, ctx);
    }
}
