package io.taclog.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.query.SearchQuery;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.RealConversations;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search index over real conversations (the shipped Claude and Codex transcripts, backfilled): a backfill leaves
 * it empty, the indexer catches up in chunks and again adds nothing, rows that change or go after they were indexed
 * never break it. FTS5's own integrity check (with the content compared) is the judge.
 */
class SearchIndexIT {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path tmp;
    Path db;
    long total;

    @BeforeEach
    void realConversations() {
        db = RealConversations.copy(tmp);
        total = Sql.scalar(db, "SELECT COUNT(*) FROM conversations");
        assertTrue(total > 1000, "the real samples hold over a thousand conversation rows: " + total);
    }

    @Test
    void theDriverHasFts5AndTheMigrationMadeTheIndex() {
        assertEquals(1, Sql.scalar(db, "SELECT sqlite_compileoption_used('ENABLE_FTS5')"));
        String sql = (String) Sql.rows(db, "SELECT sql FROM sqlite_master WHERE name = 'conversation_search'")
                .get(0).get("sql");
        assertTrue(sql.startsWith("CREATE VIRTUAL TABLE conversation_search USING fts5("), sql);
        assertTrue(sql.contains("content = 'conversation_search_source'"), sql);
        assertTrue(sql.contains("tokenize = '" + SearchIndex.TOKENIZE + "'"),
                "searches of rows not indexed yet tokenize as the index does: " + sql);
    }

    @Test
    void aBackfillLeavesTheIndexEmptyAndTheIndexerCatchesUpThenAddsNothing() throws Exception {
        SearchIndex.Status before = status();
        assertEquals(0, before.indexedThrough(), "a backfill never indexes (its wall time is the headline figure)");
        assertEquals(total, before.behindRows());
        try (Database d = open()) {
            SearchIndexer indexer = new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0);
            SearchIndexer.Report r = indexer.catchUp(Duration.ofMinutes(1));
            assertTrue(r.caughtUp());
            assertEquals(total, r.rows());
            assertEquals(Sql.scalar(db, "SELECT MAX(conversation_id) FROM conversations"), r.indexedThrough());
            SearchIndexer.Report again = indexer.catchUp(Duration.ofMinutes(1));
            assertEquals(0, again.rows(), "a second run finds nothing to add");
            assertEquals(0, again.chunks());
        }
        SearchIndex.Status after = status();
        assertEquals(0, after.behindRows());
        assertEquals(total, after.indexedRows());
        assertEquals(0, after.orphanRows());
        assertEquals(total, Sql.scalar(db, "SELECT COUNT(*) FROM conversation_search_docsize"), "each row once");
        integrityCheck();
    }

    @Test
    void chunksOfAFewRowsBuildTheSameIndex() throws Exception {
        int chunks = 0;
        try (Database d = open()) {
            while (d.write(c -> SearchIndex.indexNext(c, 37, Long.MAX_VALUE, NOW)).rows() > 0) {
                chunks++;
            }
        }
        assertEquals((total + 36) / 37, chunks);
        assertEquals(0, status().behindRows());
        integrityCheck();
    }

    @Test
    void aRowBiggerThanTheByteBoundIsAChunkOfItsOwn() throws Exception {
        try (Database d = open()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(1, d.write(c -> SearchIndex.indexNext(c, 1000, 1, NOW)).rows());
            }
        }
        assertEquals(total - 5, status().behindRows());
        Sql.exec(db, "INSERT INTO conversation_search(conversation_search) VALUES ('integrity-check')"); // the index alone
        assertEquals("ok", sqliteIntegrity(), "an index that is behind is no damage for doctor and backup");
        indexAll();
        integrityCheck();
    }

    @Test
    void columnsTheWriterChangesLaterNeedNoReindexing() throws Exception {
        indexAll();
        String worker = codexWorker();
        // what the writer does after a row is stored: a result's tool name when its call arrives, a recorded time
        // replacing an observed one, and a provisional worker merged into the coordinator's (new id and indexes)
        Sql.exec(db, "UPDATE conversations SET tool_name = 'Renamed' WHERE content_type = 'tool_result' "
                + "AND worker_id = '" + worker + "'",
                "UPDATE conversations SET timestamp = '2031-01-01T00:00:00.000Z' WHERE worker_id = '" + worker + "'",
                "UPDATE conversations SET worker_id = 'w-merged', message_index = message_index + 100000 "
                + "WHERE worker_id = '" + worker + "'");
        integrityCheck();
        try (Connection c = Sql.connect(db)) {
            List<SearchQuery.Hit> hits = new SearchQuery(c).run(SearchQuery.Request.of(
                    RealConversations.CODEX_TOOL_OUTPUT_WORD)).hits();
            assertFalse(hits.isEmpty());
            assertTrue(hits.stream().allMatch(h -> h.workerId().equals("w-merged") && h.messageIndex() >= 100000
                    && h.timestamp().startsWith("2031")), hits::toString);
            assertTrue(hits.stream().filter(h -> h.contentType().equals("tool_result"))
                    .allMatch(h -> "Renamed".equals(h.toolName())), hits::toString);
        }
    }

    @Test
    void rowsDeletedAfterIndexingAreSkippedCountedAndDroppedByARebuild() throws Exception {
        indexAll();
        String worker = codexWorker();
        long gone = Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE worker_id = ?", worker);
        Sql.exec(db, "DELETE FROM conversations WHERE worker_id = '" + worker + "'");
        try (Connection c = Sql.connect(db)) {
            SearchQuery.Result r = new SearchQuery(c).run(SearchQuery.Request.of(RealConversations.CODEX_TOOL_OUTPUT_WORD));
            assertEquals(List.of(), r.hits(), "the deleted rows are not shown, and their missing text fails nothing");
        }
        assertEquals(gone, status().orphanRows());
        assertThrows(IllegalStateException.class, this::integrityCheck,
                "FTS5 itself sees the words of the deleted rows: the check can fail");
        assertEquals("ok", sqliteIntegrity(), "but SQLite's own check (doctor, backup) is not bothered by them");
        try (Database d = open()) {
            SearchIndexer.Report r = new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0)
                    .rebuild(Duration.ofMinutes(1));
            assertEquals(total - gone, r.rows());
        }
        assertEquals(0, status().orphanRows());
        integrityCheck();
    }

    @Test
    void forgetTakesRowsOutInTheTransactionThatDeletesThem() throws Exception {
        indexAll();
        String worker = codexWorker();
        long rows = Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE worker_id = ?", worker);
        try (Database d = open()) {
            int forgotten = d.write(c -> {
                int n = SearchIndex.forget(c, "worker_id = ?", worker);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM conversations WHERE worker_id = ?")) {
                    ps.setString(1, worker);
                    ps.executeUpdate();
                }
                return n;
            });
            assertEquals(rows, forgotten);
        }
        SearchIndex.Status s = status();
        assertEquals(0, s.orphanRows());
        assertEquals(total - rows, s.indexedRows());
        integrityCheck();
    }

    private String codexWorker() {
        return (String) Sql.rows(db, "SELECT worker_id FROM conversations WHERE tool_output LIKE ? LIMIT 1",
                "%" + RealConversations.CODEX_TOOL_OUTPUT_WORD + "%").get(0).get("worker_id");
    }

    private void indexAll() throws Exception {
        try (Database d = open()) {
            assertTrue(new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0).catchUp(Duration.ofMinutes(1))
                    .caughtUp());
        }
    }

    private Database open() throws Exception {
        return Database.open(db, DatabaseSettings.defaults());
    }

    private SearchIndex.Status status() throws Exception {
        try (Connection c = Sql.connect(db)) {
            return SearchIndex.status(c);
        }
    }

    private String sqliteIntegrity() {
        return String.valueOf(Sql.rows(db, "PRAGMA integrity_check").get(0).values().iterator().next());
    }

    /** FTS5's check of the index against the text of the content view (rank 1: compare with the content). */
    private void integrityCheck() {
        Sql.exec(db, "INSERT INTO conversation_search(conversation_search, rank) VALUES ('integrity-check', 1)");
    }
}
