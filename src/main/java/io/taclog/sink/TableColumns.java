package io.taclog.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The column names of a table as the schema declares them, from SQLite's own table_info. */
public final class TableColumns {

    private TableColumns() {
    }

    /** The columns of {@code table} in {@code schema} (main, an attached file, ...), in declaration order. */
    public static List<String> of(Connection c, String schema, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?, ?) ORDER BY cid")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
