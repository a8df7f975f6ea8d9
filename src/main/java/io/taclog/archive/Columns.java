package io.taclog.archive;

import io.taclog.sink.TableColumns;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.StringJoiner;

/**
 * Column names of a table as the schema declares them. Copies and unions name their columns instead of relying on
 * {@code *}, so that an archive written before a later migration added a column still lines up (the missing column
 * reads as NULL). The names come from SQLite's own table_info of taclog's schema and are quoted as identifiers.
 */
final class Columns {

    private Columns() {
    }

    /** The columns of {@code table} in {@code schema} (main, an attached archive, ...), in declaration order. */
    static List<String> of(Connection c, String schema, String table) throws SQLException {
        return TableColumns.of(c, schema, table);
    }

    /** A quoted identifier. */
    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code alias."a", alias."b"} (no alias: {@code "a", "b"}). */
    static String list(String alias, List<String> columns) {
        StringJoiner j = new StringJoiner(", ");
        for (String col : columns) {
            j.add((alias == null ? "" : alias + ".") + quote(col));
        }
        return j.toString();
    }
}
