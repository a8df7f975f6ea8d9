package io.taclog.sink.coordinator;

import io.taclog.model.Times;
import io.taclog.model.coordinator.Stamp;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Binding helpers for the coordinator writers (nulls bound as typed NULLs, times in the one format). */
final class Sql {

    private Sql() {
    }

    static void text(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    static void integer(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    static void bigint(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }

    static void real(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }

    static void bool(PreparedStatement ps, int i, Boolean v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, v);
        }
    }

    static void time(PreparedStatement ps, int i, Instant v) throws SQLException {
        text(ps, i, Times.format(v));
    }

    static String at(Stamp s) {
        return Times.format(s.at());
    }

    /** The first column of the first row, or null. */
    static String one(WriteContext ctx, String sql, Object... args) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static int update(WriteContext ctx, String sql, Object... args) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        bind(ps, args);
        return ps.executeUpdate();
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (a instanceof Instant t) {
                ps.setString(i + 1, Times.format(t));
            } else if (a instanceof Boolean b) {
                ps.setBoolean(i + 1, b);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }
}
