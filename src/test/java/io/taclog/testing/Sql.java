package io.taclog.testing;

import io.taclog.sink.ConversationsFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Plain JDBC on a database file for assertions: its own short-lived connection per call, like a user's reader. */
public final class Sql {

    private Sql() {
    }

    /**
     * A new connection (read-write, busy timeout 10 s), with a split database's conversations file attached as the
     * readers attach it; the caller closes it.
     */
    public static Connection connect(Path db) {
        Properties p = new Properties();
        p.setProperty("busy_timeout", "10000");
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, p);
            ConversationsFile.Link link = ConversationsFile.link(c);
            if (link != null && link.split()) {
                try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + ConversationsFile.SCHEMA)) {
                    ps.setString(1, link.path());
                    ps.execute();
                }
            }
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + db, e);
        }
    }

    public static long scalar(Path db, String sql, Object... args) {
        try (Connection c = connect(db)) {
            return scalar(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static long scalar(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    public static List<Map<String, Object>> rows(Path db, String sql, Object... args) {
        try (Connection c = connect(db)) {
            return rows(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static List<Map<String, Object>> rows(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    public static void exec(Path db, String... statements) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", statements), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
