package io.taclog.sink;

import io.taclog.model.Fact;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the writer for each fact type. */
public final class FactWriters {

    private final Map<Class<?>, FactWriter<?>> byType = new HashMap<>();

    public FactWriters(List<FactWriter<?>> writers) {
        for (FactWriter<?> w : writers) {
            if (byType.put(w.type(), w) != null) {
                throw new IllegalArgumentException("two writers for " + w.type().getName());
            }
        }
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
