package io.taclog.sink;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done inside one write transaction on the writer connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
