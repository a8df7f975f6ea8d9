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

    /** The first three columns of every row, as text. */
    static List<String[]> rows(PreparedStatement ps) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        return rows;
    }
}
