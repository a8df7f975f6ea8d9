package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Questions about the database's shape (tables added by later migrations may be absent). */
final class Schema {

    private Schema() {
    }

    static boolean hasTable(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pragma_table_list WHERE type IN ('table', 'view', 'virtual') AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
