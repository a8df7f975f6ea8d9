package io.taclog.bench;

import io.taclog.cli.Main;
import io.taclog.query.SearchQuery;
import io.taclog.search.SearchIndex;
import io.taclog.search.SearchIndexer;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-text search on the many-file corpus of {@link PeerBenchmark} (a {@code ~/.claude/projects} tree made from the
 * real session files): backfills it in process, times a search while nothing is indexed (the rows above the
 * watermark read directly), the full index build, the index's size, and searches of rare, common and phrase text in
 * both orders. Not a test:
 *
 * <pre>
 * mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.taclog.bench.SearchBenchmark -Dexec.args="--mb 200"
 * </pre>
 *
 * Options: {@code --work DIR} (corpus and database, reused; default target/bench), {@code --mb N} corpus size,
 * {@code --runs N} runs of each search (default 10).
 */
public final class SearchBenchmark {

    private SearchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        Path work = Files.createDirectories(Path.of(a.getOrDefault("--work", "target/bench")).toAbsolutePath());
        int mb = Integer.parseInt(a.getOrDefault("--mb", "200"));
        int runs = Integer.parseInt(a.getOrDefault("--runs", "10"));
        Corpus corpus = Corpus.of(work, Path.of("src/test/resources/samples/claude-transcript"), mb * 1_000_000L,
                Integer.MAX_VALUE);
        Path db = work.resolve("search-" + mb + "mb.db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
        }
        long t0 = System.nanoTime();
        cli("backfill", "--db", db.toString(), "--watch", corpus.projects().toString(), "--no-progress");
        System.out.printf(Locale.ROOT, "corpus: %,d files, %.1f MB; backfill in process %.1f s; database %.1f MB%n",
                corpus.files(), corpus.bytes() / 1e6, (System.nanoTime() - t0) / 1e9, Files.size(db) / 1e6);

        try (Connection c = Database.openReadOnly(db, 5000)) {
            SearchIndex.Status s = SearchIndex.status(c);
            System.out.printf(Locale.ROOT, "conversation rows: %,d, text indexed: %.1f MB%n", s.totalRows(),
                    scalar(c, "SELECT SUM(length(CAST(body AS BLOB))) FROM " + SearchIndex.SOURCE) / 1e6);
            QueryBenchmark.time("nothing indexed: 'error', newest 10,000 rows read directly", runs,
                    () -> new SearchQuery(c).run(SearchQuery.Request.of("error")));
        }

        long sizeBefore = Files.size(db);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            SearchIndexer indexer = new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, 0);
            long b0 = System.nanoTime();
            SearchIndexer.Report r = indexer.catchUp(Duration.ofHours(1));
            System.out.printf(Locale.ROOT, "index build (no pauses): %,d rows in %,d chunks, %.2f s%n", r.rows(),
                    r.chunks(), (System.nanoTime() - b0) / 1e9);
            d.checkpoint();
        }
        try (Connection c = Database.openReadOnly(db, 5000)) {
            System.out.printf(Locale.ROOT, "index size (FTS5 shadow tables, dbstat): %.1f MB; database %.1f -> %.1f "
                    + "MB%n", scalar(c, "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'conversation_search%'") / 1e6,
                    sizeBefore / 1e6, Files.size(db) / 1e6);
        }
        long c0 = System.nanoTime();
        cli("search-index", "--rebuild", "--db", db.toString());
        System.out.printf(Locale.ROOT, "taclog search-index --rebuild (in process, pausing a quarter of each chunk): "
                + "%.2f s%n", (System.nanoTime() - c0) / 1e9);

        try (Connection c = Database.openReadOnly(db, 5000)) {
            String worker = text(c, "SELECT worker_id FROM conversations GROUP BY worker_id ORDER BY COUNT(*) DESC "
                    + "LIMIT 1");
            for (String q : List.of("ConsumeGiftPack", "chiphuyen/ai-music", "permission denied", "error", "the",
                    "\"exit code\" 1")) {
                for (SearchQuery.Order o : SearchQuery.Order.values()) {
                    SearchQuery.Request r = SearchQuery.Request.of(q).withOrder(o);
                    long hits = count(c, r.raw() ? q : io.taclog.search.MatchText.plain(q));
                    QueryBenchmark.time(String.format(Locale.ROOT, "%-22s %-6s (%,d matching rows)", "'" + q + "'",
                            o.name().toLowerCase(Locale.ROOT), hits), runs, () -> new SearchQuery(c).run(r));
                }
            }
            QueryBenchmark.time("'error' --worker (largest worker), rank", runs,
                    () -> new SearchQuery(c).run(SearchQuery.Request.of("error").withWorker(worker)));
            QueryBenchmark.time("raw 'tool:bash AND test*', rank", runs,
                    () -> new SearchQuery(c).run(SearchQuery.Request.of("tool:bash AND test*").withRaw(true)));
            QueryBenchmark.time("'error' page 50 (offset 980, limit 20)", runs,
                    () -> new SearchQuery(c).run(SearchQuery.Request.of("error").withPage(20, 980)));
        }
        QueryBenchmark.time("CLI query search 'permission denied' (in process)", runs,
                () -> cli("query", "search", "permission denied", "--db", db.toString()));
        System.out.println("work dir: " + work + " (the corpus is reused by the next run)");
    }

    private static long count(Connection c, String match) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + SearchIndex.TABLE + " WHERE "
                + SearchIndex.TABLE + " MATCH ?")) {
            ps.setString(1, match);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long scalar(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String text(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Object cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        if (code != 0) {
            throw new IllegalStateException("exit " + code + " for " + String.join(" ", args) + ": " + err);
        }
        return code;
    }
}
