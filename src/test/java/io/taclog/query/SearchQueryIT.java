package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.search.BadSearchException;
import io.taclog.search.SearchIndex;
import io.taclog.search.SearchIndexer;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.testing.RealConversations;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SearchQuery} over real conversations (the shipped Claude and Codex transcripts) on a read-only connection,
 * as queries and the dashboard open the database: known phrases of real tool results found and marked, the same
 * answer whether the rows are indexed, half indexed or not indexed at all, filters, paging, and no text a person
 * can type that makes it fail with anything but a clear {@link BadSearchException}.
 */
class SearchQueryIT {

    /** A word in many rows of both agents' transcripts. */
    private static final String COMMON = "error";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    static Path tmp;
    static Path indexed;
    static Connection reader;

    @BeforeAll
    static void indexedCopy() throws Exception {
        indexed = RealConversations.copy(tmp);
        try (Database d = Database.open(indexed, DatabaseSettings.defaults())) {
            assertTrue(new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0).catchUp(Duration.ofMinutes(1))
                    .caughtUp());
        }
        reader = ReadOnlyDatabase.open(indexed, 5000);
    }

    @AfterAll
    static void close() throws Exception {
        reader.close();
    }

    private static SearchQuery.Result search(SearchQuery.Request r) throws Exception {
        return new SearchQuery(reader).run(r);
    }

    @Test
    void findsTheWordsOfARealClaudeToolResultAndMarksThem() throws Exception {
        SearchQuery.Result r = search(SearchQuery.Request.of(RealConversations.CLAUDE_TOOL_RESULT_WORDS));
        assertEquals("\"chiphuyen/ai-music\"", r.match(), "one phrase: chiphuyen, ai, music in a row");
        assertFalse(r.hits().isEmpty());
        SearchQuery.Hit hit = r.hits().stream().filter(h -> h.contentType().equals("tool_result")).findFirst()
                .orElseThrow(() -> new AssertionError("no tool result among " + r.hits()));
        assertEquals("Bash", hit.toolName());
        assertTrue(hit.workerId().startsWith("sniffly-v1.0.17-fed8ce56"), hit.workerId());
        assertTrue(hit.snippet().contains("git@github.com:«chiphuyen/ai-music».git"), "the phrase marked: "
                + hit.snippet());
        assertTrue(hit.indexed());
        assertTrue(hit.rank() < 0, "bm25: lower is better, and a match is below zero");
        assertEquals(0, r.unindexedRows());
        assertEquals(hit.messageIndex(), Sql.scalar(indexed, "SELECT message_index FROM conversations "
                + "WHERE conversation_id = ?", hit.conversationId()), "the hit points at its row for a viewer");
    }

    @Test
    void findsAWordOfARealCodexToolOutput() throws Exception {
        SearchQuery.Result r = search(SearchQuery.Request.of(RealConversations.CODEX_TOOL_OUTPUT_WORD.toLowerCase()));
        assertTrue(r.hits().stream().anyMatch(h -> h.contentType().equals("tool_result")
                && h.snippet().contains("«" + RealConversations.CODEX_TOOL_OUTPUT_WORD + "»")), r.hits()::toString);
    }

    @Test
    void theAnswerIsTheSameNotIndexedHalfIndexedAndIndexed(@TempDir Path own) throws Exception {
        Path db = RealConversations.copy(own);
        long total = Sql.scalar(db, "SELECT COUNT(*) FROM conversations");
        SearchQuery.Request all = SearchQuery.Request.of(COMMON).withPage(SearchQuery.MAX_LIMIT, 0);
        Set<Long> none = ids(db, all, total, total);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            d.write(c -> SearchIndex.indexNext(c, (int) (total / 2), Long.MAX_VALUE, NOW));
        }
        Set<Long> half = ids(db, all, total - total / 2, total);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0).catchUp(Duration.ofMinutes(1));
        }
        Set<Long> full = ids(db, all, 0, total);
        assertTrue(full.size() > 20, "a common word: " + full.size());
        assertTrue(full.size() < SearchQuery.MAX_LIMIT, "all hits on one page: " + full.size());
        assertEquals(full, none, "not indexed: every row searched directly");
        assertEquals(full, half, "half indexed: index and the rows above it together");
    }

    /** The hit ids of a search, checking the count of rows reported as not indexed. */
    private static Set<Long> ids(Path db, SearchQuery.Request r, long notIndexed, long total) throws Exception {
        try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
            SearchQuery.Result result = new SearchQuery(c).run(r);
            assertEquals(notIndexed, result.unindexedRows());
            assertEquals(0, result.unsearchedRows(), "a few thousand rows are all searched directly");
            if (notIndexed > 0 && notIndexed < total) {
                assertTrue(result.hits().stream().anyMatch(SearchQuery.Hit::indexed), "some hits from the index");
                assertTrue(result.hits().stream().anyMatch(h -> !h.indexed()), "some from the rows above it");
            }
            return result.hits().stream().map(SearchQuery.Hit::conversationId).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void rowsAboveTheWatermarkBeyondTheScanAreCountedAsNotSearched(@TempDir Path own) throws Exception {
        Path db = RealConversations.copy(own);
        long total = Sql.scalar(db, "SELECT COUNT(*) FROM conversations");
        long newest100 = Sql.scalar(db, "SELECT MIN(conversation_id) FROM (SELECT conversation_id FROM conversations "
                + "ORDER BY conversation_id DESC LIMIT 100)");
        try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
            SearchQuery.Result r = new SearchQuery(c).run(SearchQuery.Request.of(COMMON).withUnindexedScan(100)
                    .withPage(SearchQuery.MAX_LIMIT, 0));
            assertEquals(total, r.unindexedRows());
            assertEquals(total - 100, r.unsearchedRows());
            assertTrue(r.hits().stream().allMatch(h -> h.conversationId() >= newest100 && !h.indexed()),
                    "only the newest 100 rows were searched");
            SearchQuery.Result nothing = new SearchQuery(c).run(SearchQuery.Request.of(COMMON).withUnindexedScan(0));
            assertEquals(List.of(), nothing.hits());
            assertEquals(total, nothing.unsearchedRows());
        }
    }

    @Test
    void aWorkerFilterKeepsExactlyThatWorkersHits() throws Exception {
        List<SearchQuery.Hit> all = search(SearchQuery.Request.of(COMMON).withPage(SearchQuery.MAX_LIMIT, 0)).hits();
        String worker = all.get(all.size() / 2).workerId();
        List<SearchQuery.Hit> one = search(SearchQuery.Request.of(COMMON).withWorker(worker)
                .withPage(SearchQuery.MAX_LIMIT, 0)).hits();
        assertEquals(all.stream().filter(h -> h.workerId().equals(worker)).toList(), one);
        assertNotEquals(all.size(), one.size(), "the filter left others out");
        assertEquals(List.of(), search(SearchQuery.Request.of(COMMON).withTask("no-such-task")).hits());
    }

    /** The search walks only the rows between a task's first and last: and still finds every hit of the task. */
    @Test
    void aTaskFilterKeepsExactlyThatTasksHitsInEitherOrder() throws Exception {
        List<SearchQuery.Hit> hits = search(SearchQuery.Request.of(COMMON).withPage(SearchQuery.MAX_LIMIT, 0)).hits();
        String worker = hits.get(hits.size() / 2).workerId();
        String task = "gh-search-range";
        // the real transcripts come without a coordinator: one worker is given a task here
        io.taclog.testing.Sql.exec(indexed, "UPDATE worker_sessions SET task_id = '" + task + "' WHERE worker_id = '"
                + worker + "'");
        for (SearchQuery.Order order : SearchQuery.Order.values()) {
            List<SearchQuery.Hit> all = search(SearchQuery.Request.of(COMMON).withOrder(order)
                    .withPage(SearchQuery.MAX_LIMIT, 0)).hits();
            assertTrue(all.stream().anyMatch(h -> task.equals(h.taskId())), "the task has hits");
            List<SearchQuery.Hit> one = search(SearchQuery.Request.of(COMMON).withTask(task).withOrder(order)
                    .withPage(SearchQuery.MAX_LIMIT, 0)).hits();
            assertEquals(all.stream().filter(h -> task.equals(h.taskId())).toList(), one, order.toString());
            assertNotEquals(all.size(), one.size(), "the filter left others out");
        }
    }

    @Test
    void pagesFollowOneAnotherWithoutGapOrOverlap() throws Exception {
        List<SearchQuery.Hit> all = search(SearchQuery.Request.of(COMMON).withPage(30, 0)).hits();
        SearchQuery.Result first = search(SearchQuery.Request.of(COMMON).withPage(10, 0));
        SearchQuery.Result second = search(SearchQuery.Request.of(COMMON).withPage(20, 10));
        assertTrue(first.hasMore());
        assertEquals(all.subList(0, 10), first.hits());
        assertEquals(all.subList(10, 30), second.hits());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).rank() <= all.get(i).rank(), "best first");
        }
        SearchQuery.Result last = search(SearchQuery.Request.of(RealConversations.CLAUDE_TOOL_RESULT_WORDS)
                .withPage(SearchQuery.MAX_LIMIT, 0));
        assertFalse(last.hasMore());
    }

    @Test
    void newestFirstOrdersByRow() throws Exception {
        List<SearchQuery.Hit> hits = search(SearchQuery.Request.of(COMMON).withOrder(SearchQuery.Order.NEWEST)
                .withPage(50, 0)).hits();
        assertEquals(50, hits.size());
        for (int i = 1; i < hits.size(); i++) {
            assertTrue(hits.get(i - 1).conversationId() > hits.get(i).conversationId());
        }
        assertEquals(Sql.scalar(indexed, "SELECT MAX(rowid) FROM conversation_search WHERE conversation_search "
                + "MATCH 'error'"), hits.get(0).conversationId());
    }

    @Test
    void rawSyntaxWorksAndBadRawSyntaxIsABadSearch() throws Exception {
        List<SearchQuery.Hit> bash = search(SearchQuery.Request.of("tool:Bash").withRaw(true).withPage(100, 0)).hits();
        assertFalse(bash.isEmpty());
        assertTrue(bash.stream().allMatch(h -> h.contentType().equals("tool_use") && h.toolName().equalsIgnoreCase("bash")),
                "the tool column holds the names of tool calls");
        for (String bad : List.of("NEAR(", "\"unclosed", "nosuchcolumn:x", "a AND", "(a OR b")) {
            BadSearchException e = assertThrows(BadSearchException.class,
                    () -> search(SearchQuery.Request.of(bad).withRaw(true)), bad);
            assertTrue(e.getMessage().startsWith("not a valid FTS5 query: "), e.getMessage());
        }
        assertTrue(search(SearchQuery.Request.of("NEAR( \"unclosed nosuchcolumn:x a AND (a OR b")).hits().isEmpty(),
                "the same text as a plain search is just words");
    }

    @Test
    void aCallersOpenTransactionIsLeftAsItWas() throws Exception {
        reader.setAutoCommit(false);
        try {
            search(SearchQuery.Request.of(COMMON));
            assertFalse(reader.getAutoCommit());
        } finally {
            reader.rollback();
            reader.setAutoCommit(true);
        }
    }

    @Test
    void hostileTextIsSearchedAsText() throws Exception {
        for (String text : List.of("'; DROP TABLE conversations; --", "\" OR 1=1 --", "a\u0000b", "-rf",
                "tool:Bash", "NOT", "AND OR", "NEAR(x y, 2)", "^x", "{tool body}:x", "\uD800 x", "💥 emoji",
                "x".repeat(1000), "\\\"\\\\x", "<script>alert(1)</script>")) {
            search(SearchQuery.Request.of(text));
        }
        for (String nothing : List.of("*", "\"\"", "---", "\u0000", "💥")) {
            assertThrows(BadSearchException.class, () -> search(SearchQuery.Request.of(nothing)), nothing);
        }
        assertTrue(Sql.scalar(indexed, "SELECT COUNT(*) FROM conversations") > 0, "nothing was dropped");
    }
}
