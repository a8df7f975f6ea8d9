package io.taclog.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a query with bound parameters and returns its rows as ordered maps (column label to value). */
public final class Rows {

    private Rows() {
    }

    public static List<Map<String, Object>> query(java.sql.Connection c, String sql, Object... params)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), normalize(rs.getObject(i)));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    public static Map<String, Object> one(java.sql.Connection c, String sql, Object... params) throws SQLException {
        List<Map<String, Object>> r = query(c, sql, params);
        return r.isEmpty() ? null : r.get(0);
    }

    /** SQLite returns Integer or Long for integers; normalise to Long so JSON and tables are stable. */
    private static Object normalize(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    public static double dbl(Object v) {
        return v == null ? 0.0 : ((Number) v).doubleValue();
    }

    public static long lng(Object v) {
        return v == null ? 0L : ((Number) v).longValue();
    }
}
