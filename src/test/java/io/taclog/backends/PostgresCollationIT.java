package io.taclog.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema v22 on PostgreSQL: every text column compares by code point, as SQLite does, whatever the database's
 * locale. The test server's locale is C, so a linguistic collation is put on a column by hand first (what a
 * database created with en_US.UTF-8 has on every column), with rows in it, and the migration must undo it without
 * losing a row or a view.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresCollationIT {

    private static final List<String> TASKS = List.of("gh-10", "GH-9", "(unassigned)", "gh_2", "Gh-1", "gh-9");

    @TempDir
    Path tmp;

    @Test
    void aDatabaseOfALinguisticLocaleSortsTextAsSqliteAfterTheMigration() throws Exception {
        Backend pg = Backend.Kind.POSTGRESQL.create(tmp, "collation");
        CliRun to19 = CliRun.of(pg.args("migrate", "--to", "19"));
        assertEquals(Main.OK, to19.code(), to19.err());
        String linguistic;
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            linguistic = linguisticCollation(s);
            if (linguistic != null) { // title: a column no view reads, so it can change here
                s.execute("ALTER TABLE tasks ALTER COLUMN title TYPE TEXT COLLATE \"" + linguistic + "\"");
            }
            for (String t : TASKS) {
                s.execute("INSERT INTO tasks(task_id, session_id, detected_at, source, status, title) VALUES ('id " + t
                        + "', 's', '2026-12-01T00:00:00Z', 'github', 'pending', '" + t + "')");
            }
            if (linguistic != null) {
                assertNotEquals(codePointOrder(), texts(s, "SELECT title FROM tasks ORDER BY title"),
                        "before v22 the linguistic column sorts otherwise (the premise of the test)");
            }
        }

        CliRun latest = CliRun.of(pg.args("migrate"));
        assertEquals(Main.OK, latest.code(), latest.err());

        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            assertEquals(List.of(), texts(s, "SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c "
                    + "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                    + "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type = 'text' "
                    + "AND c.collation_name IS DISTINCT FROM 'C' ORDER BY 1"), "every text column is COLLATE \"C\"");
            assertTrue(Long.parseLong(text(s, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                    + "current_schema() AND data_type = 'text' AND collation_name = 'C'")) > 100, "taclog's text columns");
            assertEquals(codePointOrder(), texts(s, "SELECT title FROM tasks ORDER BY title"),
                    "ORDER BY as SQLite's BINARY");
            assertEquals("(unassigned)", text(s, "SELECT MIN(title) FROM tasks"));
            assertEquals(TASKS.stream().map(t -> "id " + t).sorted().toList(),
                    texts(s, "SELECT task_id FROM tasks ORDER BY task_id"));
            assertEquals(List.of("conversation_search_source", "tool_calls", "unlinked_records"),
                    texts(s, "SELECT viewname FROM pg_views WHERE schemaname = current_schema() ORDER BY 1"),
                    "the views are made again");
            assertEquals("0", text(s, "SELECT COUNT(*) FROM tool_calls"), "tool_calls reads");
            assertTrue(Long.parseLong(text(s, "SELECT COUNT(*) FROM unlinked_records")) >= 0, "unlinked_records reads");
        }
        // the "did you mean" of `query task` matches as SQLite's LIKE does: ASCII case ignored, '_' and '%' literal
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tasks(task_id, session_id, detected_at, source, status) VALUES ('zzz-other', 's', "
                    + "'2026-12-02T00:00:00Z', 'github', 'pending')"); // the newest: first of the fallback list
        }
        CliRun near = CliRun.of(pg.queryArgs("query", "task", "ID GH"));
        assertEquals(Main.FAILURE, near.code());
        assertTrue(near.err().contains("known tasks include id GH-9, id Gh-1, id gh-10, id gh-9, id gh_2)"),
                near.err());
        CliRun literal = CliRun.of(pg.queryArgs("query", "task", "ID GH_"));
        assertTrue(literal.err().contains("known tasks include id gh_2)"), literal.err());
        if (linguistic == null) {
            System.err.println("PostgresCollationIT: this PostgreSQL build has no ICU collation; only the catalogue "
                    + "and the order were checked on a C database");
        }
        // the whole pipeline on the migrated database
        CliRun backfill = CliRun.of(pg.args("backfill", "--config", Path.of("samples/taclog.properties")
                .toAbsolutePath().toString(), "--no-progress"));
        assertEquals(Main.OK, backfill.code(), backfill.err());
        CliRun validate = CliRun.of(pg.args("validate", "--config", Path.of("samples/taclog.properties")
                .toAbsolutePath().toString()));
        assertEquals(Main.OK, validate.code(), validate.out() + validate.err());
    }

    /** The tasks in Java's String order, which for these ASCII ids is SQLite's BINARY order. */
    private static List<String> codePointOrder() {
        return TASKS.stream().sorted().toList();
    }

    /** A linguistic (ICU, English) collation of this server, or null when it was built without ICU. */
    private static String linguisticCollation(Statement s) throws SQLException {
        return text(s, "SELECT collname FROM pg_collation WHERE collprovider = 'i' AND collname IN ('en-US-x-icu', "
                + "'en-x-icu', 'und-x-icu') ORDER BY collname LIMIT 1");
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> texts(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
