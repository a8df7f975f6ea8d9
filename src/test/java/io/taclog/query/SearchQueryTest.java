package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taclog.search.BadSearchException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a search request accepts, and how SQLite's reason for a bad raw query is shown. */
class SearchQueryTest {

    @Test
    void aRequestStartsPlainBestFirstTwentyHitsAndKeepsWhatEachWithChanges() {
        SearchQuery.Request r = SearchQuery.Request.of("x");
        assertEquals(new SearchQuery.Request("x", false, null, null, SearchQuery.Order.RANK, 20, 0, "«", "»",
                SearchQuery.DEFAULT_UNINDEXED_SCAN), r);
        SearchQuery.Request all = r.withRaw(true).withTask("t").withWorker("w").withOrder(SearchQuery.Order.NEWEST)
                .withPage(50, 100).withMarks("<", ">").withUnindexedScan(7);
        assertEquals(new SearchQuery.Request("x", true, "t", "w", SearchQuery.Order.NEWEST, 50, 100, "<", ">", 7), all);
    }

    @Test
    void pagesOutsideTheBoundsAreBadSearches() {
        SearchQuery.Request r = SearchQuery.Request.of("x");
        assertThrows(BadSearchException.class, () -> r.withPage(0, 0));
        assertThrows(BadSearchException.class, () -> r.withPage(SearchQuery.MAX_LIMIT + 1, 0));
        assertThrows(BadSearchException.class, () -> r.withPage(10, -1));
        assertThrows(BadSearchException.class, () -> r.withPage(10, SearchQuery.MAX_WINDOW - 9));
        assertEquals(SearchQuery.MAX_WINDOW, r.withPage(10, SearchQuery.MAX_WINDOW - 10).offset() + 10);
        assertThrows(BadSearchException.class, () -> r.withUnindexedScan(-1));
    }

    @Test
    void theReasonIsSqlitesOwnWords() {
        assertEquals("fts5: syntax error near \"(\"", SearchQuery.reason(new SQLException(
                "[SQLITE_ERROR] SQL error or missing database (fts5: syntax error near \"(\")", null, 1)));
        assertEquals("plain message", SearchQuery.reason(new SQLException("plain message")));
    }
}
