package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.query.SearchQuery;
import io.taclog.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The search index kept by the writer, turned off (dropped and emptied) and on again (rebuilt whole). */
class SearchIndexIT {

    private static long count(Path db, String sql) throws Exception {
        try (Connection c = ReadOnlyDatabase.open(db, 2000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean kept(Path db) throws Exception {
        try (Connection c = ReadOnlyDatabase.open(db, 2000)) {
            return SearchIndex.kept(c);
        }
    }

    @Test
    void offDropsAndEmptiesOnRebuildsEveryBlock() throws Exception {
        Path db = Files.createTempDirectory("taclog-search-").resolve("demo.db");
        CliRun load = CliRun.of("backfill", "--config", "samples/taclog.properties", "--db", db.toString(),
                "--no-progress");
        assertEquals(0, load.code(), load.err());
        assertTrue(kept(db));
        long blocks = count(db, "SELECT COUNT(*) FROM conversations");
        assertEquals(blocks, count(db, "SELECT COUNT(*) FROM conversations_fts"), "every block is indexed");
        assertEquals(0, CliRun.of("query", "search", "render_report", "--db", db.toString()).code());

        CliRun offLoad = CliRun.of("backfill", "--config", "samples/taclog.properties", "--db", db.toString(),
                "--no-progress", "--set", "taclog.search.index=false");
        assertEquals(0, offLoad.code(), offLoad.err());
        assertFalse(kept(db));
        assertEquals(0, count(db, "SELECT COUNT(*) FROM conversations_fts"), "an index not kept is empty");
        CliRun query = CliRun.of("query", "search", "render_report", "--db", db.toString());
        assertEquals(1, query.code());
        assertTrue(query.err().contains("search index is off"), query.err());
        try (Connection c = ReadOnlyDatabase.open(db, 2000)) {
            assertFalse(new SearchQuery(c).run("render_report", null, 10, 0).indexed());
        }

        CliRun on = CliRun.of("backfill", "--config", "samples/taclog.properties", "--db", db.toString(),
                "--no-progress");
        assertEquals(0, on.code(), on.err());
        assertTrue(kept(db));
        assertEquals(blocks, count(db, "SELECT COUNT(*) FROM conversations_fts"), "rebuilt whole");
        CliRun found = CliRun.of("query", "search", "render_report", "--task", "gh-601", "--db", db.toString(),
                "--format", "json");
        assertEquals(0, found.code(), found.err());
        assertTrue(found.out().contains("\"conversation_id\""), found.out());
    }

    @Test
    void theTriggersAreTheOnesTheMigrationCreates() throws Exception {
        Path db = Files.createTempDirectory("taclog-search-").resolve("empty.db");
        assertEquals(0, CliRun.of("migrate", "--db", db.toString()).code());
        try (Connection c = ReadOnlyDatabase.open(db, 2000); Statement s = c.createStatement()) {
            for (String[] t : SearchIndex.TRIGGERS) {
                try (ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '"
                        + t[0] + "'")) {
                    assertTrue(rs.next(), t[0]);
                    assertEquals(normalized(t[1]), normalized(rs.getString(1)), t[0]);
                }
            }
        }
    }

    private static String normalized(String sql) {
        return sql.replaceAll("\\s+", " ").replace("; END", ";END").replace(";END", "; END").trim();
    }
}
