package io.taclog.query;

import java.sql.Connection;
import java.sql.SQLException;

/** Questions about the database's shape (tables added by later migrations may be absent). */
final class Schema {

    private Schema() {
    }

    static boolean hasTable(Connection c, String name) throws SQLException {
        return io.taclog.sink.dialect.Dialect.of(c).relationExists(c, name);
    }
}
