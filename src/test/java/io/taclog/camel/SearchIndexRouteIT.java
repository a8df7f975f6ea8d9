package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.config.TaclogConfig;
import io.taclog.query.SearchQuery;
import io.taclog.search.SearchIndex;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.testing.Await;
import io.taclog.testing.RealConversations;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's search-index route (routes/maintenance.camel.yaml) over real transcripts: what the sidecar commits
 * is in the search index within a deadline, a file that arrives later too, and with taclog.search.enabled off the
 * route never starts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SearchIndexRouteIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TaclogConfig config(Path watch, Path db, boolean enabled) {
        return TaclogConfig.load(Optional.empty(), Map.of(
                "taclog.db", db.toString(),
                "taclog.watch", watch.toString(),
                "taclog.batch.max-wait-ms", "50",
                "taclog.scan-interval-ms", "50",
                "taclog.search.enabled", String.valueOf(enabled),
                "taclog.search.index-interval-ms", "100"));
    }

    @Test
    void whatTheSidecarCommitsIsIndexedWithinTheDeadline() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path db = tmp.resolve("taclog.db");
        Path samples = SharedSamples.root();
        Files.copy(samples.resolve("claude-transcript/sniffly-v1.0.17-fed8ce56-bc79-401f-a83e-af084253362f.jsonl"),
                watch.resolve("claude.jsonl"));
        try (RunningSidecar sidecar = RunningSidecar.start(config(watch, db, true))) {
            awaitAllIndexed(db, "the Claude session");
            assertFound(db, RealConversations.CLAUDE_TOOL_RESULT_WORDS);

            // a Codex rollout arrives while it runs
            Files.copy(samples.resolve("codex-rollout/commontools-rollout-2026-07-13T17-34-22-019f5ad3-cc03-70a1-a033-"
                    + "21832dc4d591.jsonl"), watch.resolve("codex.jsonl"));
            Await.until(WAIT, () -> Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE tool_output LIKE ?",
                    "%" + RealConversations.CODEX_TOOL_OUTPUT_WORD + "%") > 0, "the rollout is ingested");
            awaitAllIndexed(db, "the Codex rollout too");
            assertFound(db, RealConversations.CODEX_TOOL_OUTPUT_WORD);
            assertTrue(sidecar.runtime.searchIndexer().rowsIndexed() >= Sql.scalar(db,
                    "SELECT COUNT(*) FROM conversations"), "the sidecar's own indexer did it");
        }
        Sql.exec(db, "INSERT INTO conversation_search(conversation_search, rank) VALUES ('integrity-check', 1)");
    }

    @Test
    void offMeansTheRouteNeverStarts() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path db = tmp.resolve("taclog.db");
        Files.copy(SharedSamples.root().resolve("claude-transcript/sniffly-v1.0.17-fed8ce56-bc79-401f-a83e-"
                + "af084253362f.jsonl"), watch.resolve("claude.jsonl"));
        try (RunningSidecar sidecar = RunningSidecar.start(config(watch, db, false))) {
            Await.until(WAIT, () -> Sql.scalar(db, "SELECT COUNT(*) FROM conversations") > 0, "rows are stored");
            assertEquals(ServiceStatus.Stopped, sidecar.sidecar.main().getCamelContext().getRouteController()
                    .getRouteStatus("search-index"));
            assertTrue(sidecar.sidecar.routesStarted(), "a route left off on purpose does not make it unready");
            assertEquals(0, sidecar.runtime.searchIndexer().rowsIndexed());
        }
        assertEquals(0, Sql.scalar(db, "SELECT indexed_through FROM search_index_state"));
        try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
            SearchQuery.Result r = new SearchQuery(c).run(SearchQuery.Request.of(
                    RealConversations.CLAUDE_TOOL_RESULT_WORDS));
            assertFalse(r.hits().isEmpty(), "queries still answer, from the rows not indexed");
            assertEquals(0, r.unsearchedRows());
        }
    }

    private static void awaitAllIndexed(Path db, String what) {
        Await.until(WAIT, () -> {
            SearchIndex.Status s = status(db);
            return s.totalRows() > 0 && s.behindRows() == 0;
        }, () -> what + " is in the search index (" + status(db) + ")");
    }

    private static void assertFound(Path db, String words) throws SQLException {
        try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
            SearchQuery.Result r = new SearchQuery(c).run(SearchQuery.Request.of(words));
            assertEquals(0, r.unindexedRows());
            assertTrue(r.hits().stream().anyMatch(SearchQuery.Hit::indexed), words + " found in the index");
        }
    }

    private static SearchIndex.Status status(Path db) {
        try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
            return SearchIndex.status(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
