package io.taclog.sink;

import io.taclog.model.Fact;
import java.sql.SQLException;

/** Stores one type of fact; the only place that knows that fact's SQL. Parameters are always bound. */
public interface FactWriter<T extends Fact> {

    Class<T> type();

    void write(T fact, WriteContext ctx) throws SQLException;
}
