package io.taclog.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.cli.Main;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code taclog query search} and {@code taclog search-index} on SQLite (FTS5, schema v11) and on a real PostgreSQL
 * (the GIN index of schema v21), over the backfilled TAC-8 demo: every search finds the same conversation rows on
 * both (as a set: the ranks differ, bm25 against ts_rank), bad raw syntax is refused with the same message and exit
 * code 2, hostile text is only text, and known words of the demo's transcripts are found where they are.
 *
 * <p>A row is named by its natural key (worker, message index): both back ends ingest the same lines, but the
 * order in which rows get their conversation_id is the ingest's, not the search's concern.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchOnBothBackendsIT {

    private static final Path DEMO_CONFIG = Path.of("samples/taclog.properties").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private final Map<Backend.Kind, Backend> backends = new EnumMap<>(Backend.Kind.class);
    private final Map<Backend.Kind, Long> rowsBefore = new EnumMap<>(Backend.Kind.class);

    @BeforeAll
    void backfillTheDemoIntoBoth() throws Exception {
        for (Backend.Kind kind : Backend.Kind.values()) {
            Backend b = kind.create(tmp, "search");
            CliRun r = CliRun.of(b.args("backfill", "--config", DEMO_CONFIG.toString(), "--no-progress"));
            assertEquals(Main.OK, r.code(), "backfill into " + b + ": " + r.err());
            backends.put(kind, b);
            rowsBefore.put(kind, rows(b));
        }
        // SQLite's index is filled by the indexer (the sidecar's route, or this command); PostgreSQL's by itself
        CliRun index = CliRun.of(backends.get(Backend.Kind.SQLITE).queryArgs("search-index"));
        assertEquals(Main.OK, index.code(), index.err());
    }

    /** The searches of {@link #searches} that find no row in the demo (the others find some), words joined. */
    private static final Set<String> FIND_NOTHING = Set.of("\"report telemetry\"", "tool:Bash", "nothingmatchesthiszzz",
            "'; DROP TABLE conversations; --", "\" OR 1=1 --", "it's \"a\\b\" x' \"y", "--raw  -tool:bash",
            "--raw NEAR(telemetry csv, 2)", "--raw \"--- ...\"");

    /** Plain searches (the default) and raw FTS5 syntax, with and without filters. */
    static Stream<List<String>> searches() {
        return Stream.of(
                List.of("telemetry"),
                List.of("TELEMETRY report"),
                List.of("\"telemetry report\""),
                List.of("\"report telemetry\""),
                List.of("teleme*"),
                List.of("csv export"),
                List.of("render_report"),
                List.of("render report"),
                List.of("rpi-auto"),
                List.of("BLOCKED.md"),
                List.of("gh pr create --fill"),
                List.of("orbit", "--task", "gh-602"),
                List.of("orbit", "--order", "newest"),
                List.of("tool:Bash"),
                List.of("Bash"),
                List.of("nothingmatchesthiszzz"),
                List.of("'; DROP TABLE conversations; --"),
                List.of("\" OR 1=1 --"),
                List.of("it's \"a\\b\" x' \"y"),
                List.of("--raw", "telemetry OR nothingmatchesthiszzz"),
                List.of("--raw", "csv NOT telemetry"),
                List.of("--raw", "(csv OR json) AND report"),
                List.of("--raw", "tool:Bash"),
                List.of("--raw", "tool:Read AND body:prompt"),
                List.of("--raw", "body:\"telemetry report\""),
                List.of("--raw", " -tool:bash"), // a space first: picocli takes -x for an option
                List.of("--raw", "{tool body}:grep"),
                List.of("--raw", "NEAR(csv export, 3)"),
                List.of("--raw", "NEAR(telemetry csv, 2)"),
                List.of("--raw", "teleme* NOT csv"),
                List.of("--raw", "render + report"),
                List.of("--raw", "\"--- ...\""),
                List.of("--raw", "orbit", "--task", "gh-601"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searches")
    void everySearchFindsTheSameRowsOnBothBackends(List<String> search) throws Exception {
        Set<String> sqlite = found(Backend.Kind.SQLITE, search);
        Set<String> postgres = found(Backend.Kind.POSTGRESQL, search);
        assertEquals(sqlite, postgres, "search " + search);
        if (search.contains("newest")) { // newest first: the same order too
            assertEquals(ordered(Backend.Kind.SQLITE, search), ordered(Backend.Kind.POSTGRESQL, search), "order");
        }
        assertEquals(FIND_NOTHING.contains(String.join(" ", search)), sqlite.isEmpty(), "search " + search + " finds " + sqlite);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void knownWordsOfTheDemoAreFoundWhereTheyAre(Backend.Kind kind) throws Exception {
        Backend b = backends.get(kind);
        JsonNode phrase = search(b, "\"telemetry report\"", "--limit", "500");
        assertFalse(phrase.get("hits").isEmpty(), phrase.toString());
        boolean prompt = false;
        for (JsonNode h : phrase.get("hits")) {
            prompt |= "gh-601".equals(h.get("task_id").asText())
                    && h.get("snippet").asText().contains("Add CSV export to the «telemetry report»");
        }
        assertTrue(prompt, "gh-601's prompt, the phrase marked as one span: " + phrase);

        JsonNode bash = search(b, "tool:Bash", "--raw", "--limit", "500");
        assertFalse(bash.get("hits").isEmpty());
        bash.get("hits").forEach(h -> assertEquals("Bash", h.get("tool_name").asText(), h.toString()));

        JsonNode task = search(b, "orbit", "--task", "gh-602", "--limit", "500");
        assertFalse(task.get("hits").isEmpty());
        task.get("hits").forEach(h -> assertEquals("gh-602", h.get("task_id").asText()));
        String worker = task.get("hits").get(0).get("worker_id").asText();
        JsonNode one = search(b, "orbit", "--worker", worker, "--limit", "500");
        one.get("hits").forEach(h -> assertEquals(worker, h.get("worker_id").asText()));
        assertEquals(0, search(b, "nothingmatchesthiszzz").get("hits").size());

        JsonNode page = search(b, "orbit", "--limit", "2");
        assertEquals(2, page.get("hits").size());
        assertTrue(page.get("has_more").asBoolean());
        JsonNode next = search(b, "orbit", "--limit", "2", "--offset", "2");
        assertFalse(ids(page).removeAll(ids(next)), "pages do not overlap");
        JsonNode ranked = search(b, "orbit", "--limit", "500");
        double last = Double.NEGATIVE_INFINITY;
        for (JsonNode h : ranked.get("hits")) { // best first: lower is better on both
            assertTrue(h.get("rank").asDouble() >= last, ranked.toString());
            last = h.get("rank").asDouble();
        }

        CliRun table = CliRun.of(b.queryArgs("query", "search", "telemetry", "--limit", "1"));
        assertEquals(Main.OK, table.code(), table.err());
        assertTrue(table.out().contains("«telemetry»"), table.out());
        assertEquals("", table.err(), "nothing behind the index on either back end");
        CliRun csv = CliRun.of(b.queryArgs("query", "search", "telemetry", "--format", "csv"));
        assertTrue(csv.out().startsWith("conversation_id,worker_id,task_id,message_index,timestamp,role,"
                + "content_type,tool_name,snippet,rank,indexed"), csv.out());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void badSyntaxIsRefusedWithExitTwoAndHostileTextIsOnlyText(Backend.Kind kind) throws Exception {
        Backend b = backends.get(kind);
        for (String bad : List.of("(csv OR", "csv AND", "OR csv", "\"open", "'; DROP TABLE conversations; --")) {
            CliRun r = CliRun.of(b.queryArgs("query", "search", "--raw", bad));
            assertEquals(Main.USAGE, r.code(), bad + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("taclog: not a valid FTS5 query: "), bad + ": " + r.err());
        }
        CliRun column = CliRun.of(b.queryArgs("query", "search", "--raw", "nosuch:csv"));
        assertEquals(Main.USAGE, column.code());
        assertTrue(column.err().contains("no such column: nosuch"), column.err());
        for (String nothing : List.of(" ---", "** ''")) {
            CliRun r = CliRun.of(b.queryArgs("query", "search", nothing));
            assertEquals(Main.USAGE, r.code(), nothing);
            assertTrue(r.err().startsWith("taclog: nothing to search for"), r.err());
        }
        for (String hostile : List.of("'; DROP TABLE conversations; --", "\\'; SELECT pg_sleep(10); --",
                "x') OR ('1'='1", "a:* | b & !c <-> d")) {
            CliRun r = CliRun.of(b.queryArgs("query", "search", hostile, "--format", "json"));
            assertEquals(Main.OK, r.code(), hostile + ": " + r.err());
        }
        assertEquals(rowsBefore.get(kind), rows(b), "the table is all there");
    }

    private static long rows(Backend b) throws Exception {
        try (Connection c = b.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM conversations WHERE worker_id <> 'w-probe'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Text where the two tokenizers could part: punctuation of every kind, underscores, paths and URLs, non-ASCII
     * letters and punctuation, diacritics, digits. Each probe finds the same rows on both back ends, except the
     * differences docs/search.md names (asserted here as they are, so a change shows).
     */
    @org.junit.jupiter.api.Test
    void tokenizationOfTheTwoIndexesAgreesExceptWhereDocumented() throws Exception {
        List<String> texts = List.of(
                "see https://example.com/a/b.py?x=1#frag and user@mail.example.org",
                "snake_case_name, kebab-case-name; dotted.name.here and C:\\Windows\\path",
                "version 1.2.3 and 3.14 and -42 and 1e5 and 0x1F",
                "quotes «guillemets» “curly” ‘single’ and em—dash, en–dash and ellipsis… here",
                "Café crème naïve ÉCOLE",
                "日本語のテキスト and 中文",
                "emoji 🙂 between words and tab\there",
                "arrows: left→right",
                "{\"command\":\"cat <<EOF\\nimport os\\nprint(\\\"hi\\\")\\nEOF\"}");
        for (Backend b : backends.values()) {
            try (Connection c = b.connect(); java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO "
                    + "conversations(worker_id, message_index, timestamp, role, content, content_type, tool_name, "
                    + "tool_input) VALUES ('w-probe', ?, '2025-11-05T00:00:00Z', 'assistant', ?, ?, ?, ?)")) {
                for (int i = 0; i < texts.size(); i++) {
                    boolean tool = texts.get(i).startsWith("{");
                    ps.setInt(1, i);
                    ps.setString(2, texts.get(i));
                    ps.setString(3, tool ? "tool_use" : "text");
                    ps.setString(4, tool ? "Bash" : null);
                    ps.setString(5, tool ? texts.get(i) : null);
                    ps.executeUpdate();
                }
            }
        }
        assertEquals(Main.OK, CliRun.of(backends.get(Backend.Kind.SQLITE).queryArgs("search-index")).code());
        List<String> same = List.of("example", "example.com", "com", "py", "frag", "mail", "snake", "case_name",
                "kebab-case", "dotted", "name", "windows", "1.2.3", "2", "3.14", "14", "42", "1e5", "0x1f",
                "guillemets", "curly", "single", "em", "dash", "ellipsis", "crème", "naïve", "ÉCOLE", "日本語のテキスト",
                "中文", "emoji", "between", "tab", "here", "import", "\"import os\"", "print", "hi", "EOF",
                "\"cat EOF import\"", "café");
        for (String probe : same) {
            Set<String> sqlite = found(Backend.Kind.SQLITE, List.of(probe, "--worker", "w-probe"));
            Set<String> postgres = found(Backend.Kind.POSTGRESQL, List.of(probe, "--worker", "w-probe"));
            assertFalse(sqlite.isEmpty(), probe);
            assertEquals(sqlite, postgres, probe);
        }
        // FTS5 removes diacritics (remove_diacritics 2); PostgreSQL without unaccent keeps them
        for (String probe : List.of("cafe", "creme", "naive")) {
            assertEquals(Set.of("w-probe#4"), found(Backend.Kind.SQLITE, List.of(probe, "--worker", "w-probe")), probe);
            assertEquals(Set.of(), found(Backend.Kind.POSTGRESQL, List.of(probe, "--worker", "w-probe")), probe);
        }
        // FTS5 folds the case of every letter; PostgreSQL as its database's LC_CTYPE does (C: ASCII letters only)
        boolean folds;
        try (Connection c = backends.get(Backend.Kind.POSTGRESQL).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lower('É') = 'é'")) {
            rs.next();
            folds = rs.getBoolean(1);
        }
        assertEquals(Set.of("w-probe#4"), found(Backend.Kind.SQLITE, List.of("école", "--worker", "w-probe")));
        assertEquals(folds ? Set.of("w-probe#4") : Set.of(), found(Backend.Kind.POSTGRESQL, List.of("école",
                "--worker", "w-probe")));
        // punctuation outside ASCII and the few marks V021 turns into spaces: FTS5 splits at it, PostgreSQL's parser
        // (C locale: every non-ASCII character is a letter) keeps left→right one word
        assertEquals(Set.of("w-probe#7"), found(Backend.Kind.SQLITE, List.of("left", "--worker", "w-probe")));
        assertEquals(folds ? Set.of("w-probe#7") : Set.of(), found(Backend.Kind.POSTGRESQL, List.of("left",
                "--worker", "w-probe")));
        for (Backend b : backends.values()) {
            try (Connection c = b.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM conversations WHERE worker_id = 'w-probe'");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void searchIndexReportsAndRebuilds(Backend.Kind kind) throws Exception {
        Backend b = backends.get(kind);
        CliRun status = CliRun.of(b.queryArgs("search-index", "--status"));
        assertEquals(Main.OK, status.code(), status.err());
        CliRun rebuild = CliRun.of(b.queryArgs("search-index", "--rebuild"));
        assertEquals(Main.OK, rebuild.code(), rebuild.err());
        if (kind == Backend.Kind.POSTGRESQL) {
            assertTrue(status.out().contains("PostgreSQL keeps it current itself"), status.out());
            assertTrue(rebuild.out().contains("rebuilt (REINDEX)"), rebuild.out());
        } else {
            assertTrue(status.out().contains(", 0 not yet;"), status.out());
        }
        assertFalse(search(b, "telemetry").get("hits").isEmpty(), "found after the rebuild");
    }

    /** {@code search}: [--raw] TEXT [more options]. */
    private Set<String> found(Backend.Kind kind, List<String> search) throws Exception {
        return new TreeSet<>(ordered(kind, search));
    }

    private List<String> ordered(Backend.Kind kind, List<String> search) throws Exception {
        List<String> args = new ArrayList<>(List.of("query", "search"));
        args.addAll(search);
        args.addAll(List.of("--format", "json", "--limit", "500"));
        CliRun r = CliRun.of(backends.get(kind).queryArgs(args.toArray(String[]::new)));
        assertEquals(Main.OK, r.code(), search + " on " + kind + ": " + r.err());
        List<String> keys = new ArrayList<>();
        JSON.readTree(r.out()).get("hits").forEach(h -> keys.add(key(h)));
        return keys;
    }

    private static String key(JsonNode hit) {
        return hit.get("worker_id").asText() + "#" + hit.get("message_index").asLong();
    }

    private static JsonNode search(Backend b, String text, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("query", "search", text, "--format", "json"));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(b.queryArgs(args.toArray(String[]::new)));
        assertEquals(Main.OK, r.code(), text + " on " + b + ": " + r.err());
        return JSON.readTree(r.out());
    }

    /** The hits by natural key: worker and message index. */
    private static Set<String> ids(JsonNode result) {
        Set<String> ids = new TreeSet<>();
        result.get("hits").forEach(h -> ids.add(key(h)));
        return ids;
    }
}
