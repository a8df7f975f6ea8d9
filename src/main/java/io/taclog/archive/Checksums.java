package io.taclog.archive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Row counts and checksums ({@link RowDigest}) of the archived tables, read in key order. */
final class Checksums {

    /** Count and checksum of one set of rows. */
    record Sum(long rows, String sha256) {
    }

    private Checksums() {
    }

    /**
     * Every table's archived rows as {@link MonthSelection} chose them in {@code schema}: all of them, and the ones
     * that leave the database.
     */
    static Map<String, TableSum> selection(Connection c, String schema) throws SQLException {
        Map<String, TableSum> out = new LinkedHashMap<>();
        for (ArchivedTable t : ArchivedTables.ALL) {
            String where = MonthSelection.schemaOf(c, schema, t.name());
            List<String> cols = Columns.of(c, where, t.name());
            RowDigest all = new RowDigest();
            RowDigest moved = new RowDigest();
            try (PreparedStatement ps = c.prepareStatement(MonthSelection.rowsWithFlag(where, t, cols, false));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(rs, cols.size());
                    if (rs.getInt(cols.size() + 1) == 1) {
                        moved.add(rs, cols.size());
                    }
                }
            }
            out.put(t.name(), new TableSum(all.rows(), all.hex(), moved.rows(), moved.hex()));
        }
        return out;
    }

    /** Only the rows that leave the database, as chosen in {@code schema} (the check before the delete). */
    static Map<String, Sum> moved(Connection c, String schema) throws SQLException {
        Map<String, Sum> out = new LinkedHashMap<>();
        for (ArchivedTable t : ArchivedTables.ALL) {
            String where = MonthSelection.schemaOf(c, schema, t.name());
            List<String> cols = Columns.of(c, where, t.name());
            RowDigest moved = new RowDigest();
            try (PreparedStatement ps = c.prepareStatement(MonthSelection.rowsWithFlag(where, t, cols, true));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    moved.add(rs, cols.size());
                }
            }
            out.put(t.name(), new Sum(moved.rows(), moved.hex()));
        }
        return out;
    }

    /** Every row of every archived table of an archive file attached (or opened) as {@code schema}. */
    static Map<String, Sum> whole(Connection c, String schema) throws SQLException {
        Map<String, Sum> out = new LinkedHashMap<>();
        for (ArchivedTable t : ArchivedTables.ALL) {
            List<String> cols = Columns.of(c, schema, t.name());
            RowDigest d = new RowDigest();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + Columns.list(null, cols) + " FROM " + schema
                    + "." + t.name() + " ORDER BY " + Columns.list(null, t.key()));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    d.add(rs, cols.size());
                }
            }
            out.put(t.name(), new Sum(d.rows(), d.hex()));
        }
        return out;
    }
}
