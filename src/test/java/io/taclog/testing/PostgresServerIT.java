package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test PostgreSQL starts (also as root, where initdb refuses to run) and hands out fresh databases. */
class PostgresServerIT {

    @Test
    void startsAndCreatesDatabases() throws Exception {
        PostgresServer server = PostgresServer.get();
        String a = server.newDatabase("a");
        String b = server.newDatabase("b");
        try (Connection c = java.sql.DriverManager.getConnection(a, PostgresServer.USER, PostgresServer.PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x BIGINT)");
            st.execute("INSERT INTO t VALUES (1)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
        try (Connection c = java.sql.DriverManager.getConnection(b, PostgresServer.USER, PostgresServer.PASSWORD);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 't'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "each database starts empty");
        }
    }
}
