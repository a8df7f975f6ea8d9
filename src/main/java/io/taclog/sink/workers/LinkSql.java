package io.taclog.sink.workers;

import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Statement helpers of the worker linking classes (text parameters in, text columns out). */
final class LinkSql {

    private LinkSql() {
    }

    /** The first column of the first row, or null; {@code arg} binds the one parameter (none when null). */
    static String one(WriteContext ctx, String sql, String arg) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        if (arg != null) {
            ps.setString(1, arg);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void exec(WriteContext ctx, String sql, String a, String b) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        ps.setString(1, a);
        ps.setString(2, b);
        ps.executeUpdate();
    }

    static void exec(WriteContext ctx, String sql, String a) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        ps.setString(1, a);
        ps.executeUpdate();
    }

    /** Every column of every row, as text. */
    static List<String[]> rows(PreparedStatement ps) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * A condition on {@code log_file}: a path that ends in the file name bound to parameters {@code ?a} and
     * {@code ?b} (see {@link #bindFileName}), in another directory (the sidecar may see the coordinator's files
     * under another path).
     */
    static String sameFileName(int a, int b) {
        return "(substr(log_file, -length(?" + a + ")) = ?" + a + " OR substr(log_file, -length(?" + b + ")) = ?"
                + b + ")";
    }

    /** Binds the file name of {@code path} for {@link #sameFileName} (after '/' or '\\'). */
    static void bindFileName(PreparedStatement ps, int a, int b, String path) throws SQLException {
        String name = java.nio.file.Path.of(path).getFileName().toString();
        ps.setString(a, "/" + name);
        ps.setString(b, "\\" + name);
    }
}
