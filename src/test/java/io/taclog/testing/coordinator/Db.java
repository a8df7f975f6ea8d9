package io.taclog.testing.coordinator;

import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Assertion-side reads of a taclog database (a fresh connection per call, like a user's reader). */
public record Db(Path path) {

    public List<Map<String, Object>> rows(String sql, Object... args) {
        return Sql.rows(path, sql, args);
    }

    public Map<String, Object> row(String sql, Object... args) {
        List<Map<String, Object>> r = rows(sql, args);
        if (r.size() != 1) {
            throw new AssertionError("expected one row, got " + r.size() + " for " + sql + ": " + r);
        }
        return r.get(0);
    }

    public long count(String sql, Object... args) {
        return Sql.scalar(path, sql, args);
    }

    /** The first column of the single row, as text (null for SQL NULL). */
    public String text(String sql, Object... args) {
        Object v = row(sql, args).values().iterator().next();
        return v == null ? null : v.toString();
    }

    /** The first column of every row, as text. */
    public List<String> column(String sql, Object... args) {
        return rows(sql, args).stream().map(r -> {
            Object v = r.values().iterator().next();
            return v == null ? null : v.toString();
        }).toList();
    }
}
