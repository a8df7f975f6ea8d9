package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.schema.Migrations;
import io.taclog.search.SearchIndex;
import io.taclog.search.SearchIndexer;
import io.taclog.sink.Database;
import io.taclog.sink.FreshLoad;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code taclog search-index}: brings the full-text search index up to date now (the sidecar does it by itself every
 * {@code taclog.search.index-interval-ms}); {@code --rebuild} empties it first, {@code --status} only reports.
 */
@Command(name = "search-index", mixinStandardHelpOptions = true,
        description = "Bring the full-text search index of the conversations up to date (taclog run does this by "
                + "itself); safe while the sidecar writes.")
public final class SearchIndexCommand implements Callable<Integer> {

    /** Share of each chunk's time paused after it: a sidecar writing beside this command still gets its turns. */
    static final double PAUSE_SHARE = 0.25;
    /** Progress is printed to stderr this often during a long build. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @Mixin
    DbOption db;

    @Option(names = "--rebuild", description = "Empty the index and build it again from the first row (drops the "
            + "words of rows deleted since they were indexed).")
    boolean rebuild;

    @Option(names = "--status", description = "Only report how far the index goes; change nothing.")
    boolean status;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rebuild && status) {
            throw new CliException(Main.USAGE, "--rebuild and --status exclude each other");
        }
        TaclogConfig config = db.load();
        Path path = config.get(ConfigKeys.DB);
        PrintWriter out = spec.commandLine().getOut();
        if (io.taclog.app.Databases.isPostgres(config)) {
            return postgres(config, out);
        }
        if (status) {
            try (Connection c = ReadOnlyDb.open(path)) {
                out.println("search index of " + path + ": " + describe(SearchIndex.status(c)));
            }
            return Main.OK;
        }
        if (!Files.isRegularFile(path)) {
            throw new CliException(Main.FAILURE, "database " + path + " does not exist"
                    + (Files.exists(FreshLoad.loadingPath(path)) ? " yet: a first backfill is building it" : ""));
        }
        try (Database d = Database.open(path, IngestRuntime.databaseSettings(config))) {
            int version = d.withWriter(Migrations::readVersion);
            if (version < Migrations.latestVersion()) {
                throw new CliException(Main.FAILURE, "database " + path + " has schema version " + version
                        + "; run `taclog migrate --db " + path + "` first");
            }
            if (version > Migrations.latestVersion()) {
                throw new CliException(Main.FAILURE, "database " + path + " has schema version " + version
                        + ", newer than this taclog supports (" + Migrations.latestVersion() + "); upgrade taclog");
            }
            SearchIndexer indexer = new SearchIndexer(d, Clock.systemUTC(), false, Duration.ZERO, PAUSE_SHARE);
            build(indexer, spec.commandLine().getErr(), out, path);
            out.println("  " + describe(d.withWriter(SearchIndex::status)));
        }
        return Main.OK;
    }

    /**
     * PostgreSQL keeps its GIN index (schema v21) current in every insert's transaction: nothing to catch up. The
     * status says so; {@code --rebuild} rebuilds the index with REINDEX CONCURRENTLY (sidecars keep writing).
     */
    private int postgres(TaclogConfig config, PrintWriter out) throws SQLException {
        io.taclog.sink.dialect.PostgresTarget target = io.taclog.app.Databases.postgres(config);
        if (rebuild) {
            try (Connection check = ReadOnlyDb.openPostgres(target, false)) { // the schema version checked first
                check.isValid(1);
            }
            long t0 = System.nanoTime();
            try (Connection c = target.connect(false); java.sql.Statement s = c.createStatement()) {
                c.setAutoCommit(true); // CONCURRENTLY runs outside a transaction block
                s.execute("REINDEX INDEX CONCURRENTLY conversation_search");
            }
            out.printf(Locale.ROOT, "search index of %s: rebuilt (REINDEX) in %.1f s%n", target.url(),
                    (System.nanoTime() - t0) / 1e9);
        }
        try (Connection c = ReadOnlyDb.openPostgres(target, false);
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM conversations");
             java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            out.println((rebuild ? "  " : "search index of " + target.url() + ": ") + describePostgres(rs.getLong(1)));
        }
        return Main.OK;
    }

    static String describePostgres(long rows) {
        return String.format(Locale.ROOT, "PostgreSQL keeps it current itself (a GIN index, schema v21): all %,d "
                + "conversation rows are searchable, nothing to index", rows);
    }

    private void build(SearchIndexer indexer, PrintWriter err, PrintWriter out, Path path) throws SQLException {
        long t0 = System.nanoTime();
        long rows = 0;
        int chunks = 0;
        SearchIndexer.Report r = rebuild ? indexer.rebuild(PROGRESS_EVERY) : indexer.catchUp(PROGRESS_EVERY);
        while (true) {
            rows += r.rows();
            chunks += r.chunks();
            if (r.caughtUp()) {
                break;
            }
            err.printf(Locale.ROOT, "search index: %,d rows so far, through conversation %,d%n", rows,
                    r.indexedThrough());
            r = indexer.catchUp(PROGRESS_EVERY);
        }
        out.printf(Locale.ROOT, "search index of %s: %s%,d rows added in %.1f s (%,d chunk%s)%n", path,
                rebuild ? "emptied, then " : "", rows, (System.nanoTime() - t0) / 1e9, chunks, chunks == 1 ? "" : "s");
    }

    static String describe(SearchIndex.Status s) {
        return String.format(Locale.ROOT, "through conversation %,d: %,d of %,d rows indexed, %,d not yet; %,d rows "
                        + "deleted since they were indexed%s; last change %s", s.indexedThrough(),
                s.totalRows() - s.behindRows(), s.totalRows(), s.behindRows(), s.orphanRows(),
                s.orphanRows() > 0 ? " (searches skip them; --rebuild drops their words)" : "",
                s.updatedAt() == null ? "never" : s.updatedAt());
    }
}
