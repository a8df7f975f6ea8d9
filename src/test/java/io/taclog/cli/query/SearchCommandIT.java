package io.taclog.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.testing.CliRun;
import io.taclog.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code taclog search-index} and {@code taclog query search} on a copy of the demo database (the bundled TAC-8 demo,
 * backfilled): the note on stderr while rows are not indexed, the task filter, output formats, exit codes.
 */
class SearchCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    String db;

    @BeforeEach
    void demoCopy() throws Exception {
        Path source = DemoDatabase.path();
        Path copy = tmp.resolve("demo.db");
        Files.copy(source, copy);
        Path wal = source.resolveSibling(source.getFileName() + "-wal");
        if (Files.exists(wal)) {
            Files.copy(wal, tmp.resolve("demo.db-wal"));
        }
        db = copy.toString();
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + " failed:\n" + r.out() + r.err());
        return r;
    }

    @Test
    void searchesRowsNotIndexedDirectlyAndSaysSoUntilTheIndexCatchesUp() throws Exception {
        long rows = Sql.scalar(Path.of(db), "SELECT COUNT(*) FROM conversations");
        CliRun before = ok("query", "search", "render_report", "--db", db, "--format", "json");
        assertTrue(before.err().contains(String.format("note: %d conversation rows are not in the search index yet; "
                + "they were searched directly, the answer is complete", rows)), before.err());

        CliRun index = ok("search-index", "--db", db);
        assertTrue(index.out().contains(rows + " rows added"), index.out());
        assertTrue(index.out().contains(rows + " of " + rows + " rows indexed, 0 not yet"), index.out());
        CliRun again = ok("search-index", "--db", db);
        assertTrue(again.out().contains(": 0 rows added"), "nothing new: " + again.out());

        CliRun after = ok("query", "search", "render_report", "--db", db, "--format", "json");
        assertEquals("", after.err(), "no note once everything is indexed");
        JsonNode a = JSON.readTree(after.out());
        JsonNode b = JSON.readTree(before.out());
        assertEquals(ids(b), ids(a), "the same hits before and after indexing");
        assertTrue(a.get("hits").size() >= 3, a.toString());
        assertTrue(a.get("hits").get(0).get("snippet").asText().contains("«render_report»"), a.toString());
        assertEquals(0, a.get("unindexed_rows").asLong());
    }

    private static Set<Long> ids(JsonNode result) {
        Set<Long> ids = new HashSet<>();
        result.get("hits").forEach(h -> ids.add(h.get("conversation_id").asLong()));
        return ids;
    }

    @Test
    void theTaskFilterKeepsTheTasksWorkersOnly() throws Exception {
        ok("search-index", "--db", db);
        JsonNode all = JSON.readTree(ok("query", "search", "orbit", "--db", db, "--format", "json", "--limit", "500")
                .out());
        Set<String> tasks = new HashSet<>();
        all.get("hits").forEach(h -> tasks.add(h.get("task_id").asText()));
        assertTrue(tasks.containsAll(List.of("gh-601", "gh-602", "gh-603")), tasks.toString());
        JsonNode one = JSON.readTree(ok("query", "search", "orbit", "--task", "gh-602", "--db", db, "--format", "json",
                "--limit", "500").out());
        assertTrue(one.get("hits").size() > 0);
        one.get("hits").forEach(h -> assertEquals("gh-602", h.get("task_id").asText()));
        long expected = 0;
        for (JsonNode h : all.get("hits")) {
            expected += "gh-602".equals(h.get("task_id").asText()) ? 1 : 0;
        }
        assertEquals(expected, one.get("hits").size());
        assertEquals("No matches.\n", ok("query", "search", "render_report", "--task", "gh-602", "--db", db).out());
    }

    @Test
    void theTableShowsWhereEachHitIsAndPagesOn() {
        ok("search-index", "--db", db);
        CliRun r = ok("query", "search", "orbit", "--limit", "2", "--db", db);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("timestamp +worker_id +task_id +message +type +tool +snippet"), lines.get(0));
        assertEquals(2 + 2 + 1, lines.size(), r.out());
        assertTrue(lines.get(2).contains("«orbit»"), lines.get(2));
        assertEquals("(more hits: --offset 2)", lines.get(4));
        CliRun csv = ok("query", "search", "orbit", "--limit", "2", "--format", "csv", "--db", db);
        assertTrue(csv.out().startsWith("conversation_id,worker_id,task_id,message_index,timestamp,role,content_type,"
                + "tool_name,snippet,rank,indexed"), csv.out());
    }

    @Test
    void badSearchesExitWithTwoAndHostileTextIsJustText() {
        ok("search-index", "--db", db);
        CliRun raw = CliRun.of("query", "search", "--raw", "NEAR(", "--db", db);
        assertEquals(2, raw.code());
        assertTrue(raw.err().startsWith("taclog: not a valid FTS5 query: fts5: syntax error"), raw.err());
        CliRun column = CliRun.of("query", "search", "--raw", "nosuch:x", "--db", db);
        assertEquals(2, column.code());
        assertTrue(column.err().contains("no such column: nosuch"), column.err());
        for (String nothing : List.of("", "   ", "***", "\"\"")) {
            CliRun r = CliRun.of("query", "search", nothing, "--db", db);
            assertEquals(2, r.code(), nothing);
            assertTrue(r.err().startsWith("taclog: nothing to search for"), r.err());
        }
        assertEquals(2, CliRun.of("query", "search", "x", "--limit", "0", "--db", db).code());
        assertEquals(2, CliRun.of("query", "search", "x".repeat(1001), "--db", db).code());
        for (String hostile : List.of("NEAR(", "\"unclosed", "nosuch:x", "a AND", "'; DROP TABLE conversations; --",
                "foo-bar", "tool:Bash", "rm -rf *")) {
            CliRun r = CliRun.of("query", "search", "--db", db, "--", hostile);
            assertEquals(0, r.code(), () -> hostile + ": " + r.err());
        }
        assertFalse(ok("query", "search", "--raw", "tool:bash", "--db", db).out().startsWith("No matches"));
    }

    @Test
    void statusReportsWithoutChangingAnything() {
        CliRun s = ok("search-index", "--status", "--db", db);
        assertTrue(s.out().contains(": through conversation 0: 0 of "), s.out());
        assertTrue(s.out().contains("last change never"), s.out());
        assertEquals(0, Sql.scalar(Path.of(db), "SELECT indexed_through FROM search_index_state"));
        CliRun both = CliRun.of("search-index", "--status", "--rebuild", "--db", db);
        assertEquals(2, both.code());
        CliRun missing = CliRun.of("search-index", "--db", tmp.resolve("none.db").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(Files.exists(tmp.resolve("none.db")), "never created");
    }
}
