package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.search.BadSearchException;
import io.taclog.search.SearchIndexer;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.testing.RealConversations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a person types, a plain search over the real conversations answers, or says clearly that there is nothing
 * to look for: never an FTS5 syntax error, never a database error.
 */
class SearchQueryPropertiesIT {

    private static Connection reader;

    @BeforeContainer
    static void indexedRealConversations() throws Exception {
        Path db = RealConversations.copy(Files.createTempDirectory("taclog-search-properties-"));
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            // half indexed: both the index and the rows above its watermark are searched
            new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0).catchUp(Duration.ZERO);
        }
        reader = ReadOnlyDatabase.open(db, 5000);
    }

    @AfterContainer
    static void close() throws Exception {
        reader.close();
    }

    @Property(tries = 200)
    void anyTypedTextAnswersOrIsABadSearch(@ForAll @StringLength(max = 40) String text) throws Exception {
        try {
            SearchQuery.Result r = new SearchQuery(reader).run(SearchQuery.Request.of(text).withUnindexedScan(200));
            assertTrue(r.unindexedRows() > 0, "the tail was searched too");
        } catch (BadSearchException e) {
            assertTrue(e.getMessage().startsWith("nothing to search for"), e.getMessage());
        }
    }
}
