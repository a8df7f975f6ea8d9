package io.taclog.search;

import io.taclog.sink.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the search index up to the newest conversation rows, in chunks that are each one short transaction of the
 * writer connection ({@link Database#write}): the ingest's batches queue with the chunks and wait at most one of
 * them, never for a whole build. Between two chunks the indexer pauses for a share of the time the chunk took, so
 * a long catch-up (the first run over a big database) leaves the writer most of its time. The chunk size adapts to
 * take about {@link #CHUNK_TARGET}.
 *
 * <p>Run by the sidecar's {@code search-index} route ({@link #run}, each tick bounded in time) and by
 * {@code taclog search-index} ({@link #catchUp}, {@link #rebuild}). Nothing here runs in the ingest's path: the
 * writer's inserts do not know the index exists.
 */
public final class SearchIndexer {

    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexer.class);
    /** What a chunk should take: long enough to be efficient, short enough that a batch behind it hardly waits. */
    static final Duration CHUNK_TARGET = Duration.ofMillis(100);
    static final int MIN_CHUNK_ROWS = 50;
    static final int MAX_CHUNK_ROWS = 20_000;
    /** Text of one chunk at most (a tool output can be megabytes); a bigger single row is a chunk of its own. */
    static final long MAX_CHUNK_BYTES = 8L * 1024 * 1024;

    private final Database db;
    private final Clock clock;
    private final boolean periodic;
    private final Duration tickBudget;
    private final double pauseShare;
    private int chunkRows = 1000;
    private long rowsIndexed;

    /** What one catch-up did. */
    public record Report(long rows, int chunks, long indexedThrough, Duration took, boolean caughtUp) {
    }

    /**
     * @param periodic false (off, or in a backfill): {@link #run} does nothing
     * @param tickBudget how long one {@link #run} may work before it leaves the rest to the next tick
     * @param pauseShare after each chunk, pause this share of the chunk's duration (1.0: the indexer takes at
     *     most half of the writer's time; 0: no pause)
     */
    public SearchIndexer(Database db, Clock clock, boolean periodic, Duration tickBudget, double pauseShare) {
        if (pauseShare < 0) {
            throw new IllegalArgumentException("pauseShare must not be negative: " + pauseShare);
        }
        this.db = db;
        this.clock = clock;
        this.periodic = periodic;
        this.tickBudget = tickBudget;
        this.pauseShare = pauseShare;
    }

    /** One tick of the sidecar's route: catches up for at most the tick budget. A failure is tried again later. */
    public synchronized void run() {
        if (!periodic || db.conversationsAway()) {
            return; // the index lives in the conversations file: it goes on once the file is back
        }
        try {
            Report r = catchUp(tickBudget);
            if (r.rows() > 0) {
                LOG.debug("search index: {} rows in {} chunks ({} ms), now through conversation {}{}", r.rows(),
                        r.chunks(), r.took().toMillis(), r.indexedThrough(), r.caughtUp() ? "" : ", more to come");
            }
        } catch (SQLException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.debug("search indexing stopped: the sidecar is stopping");
            } else {
                LOG.warn("search indexing failed, tried again at the next tick: {}", e.getMessage());
            }
        }
    }

    /** Adds chunks until the index has caught up or {@code budget} has passed (the chunk under way finishes). */
    public synchronized Report catchUp(Duration budget) throws SQLException {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long rows = 0;
        int chunks = 0;
        long through;
        while (true) {
            long t0 = System.nanoTime();
            int limit = chunkRows;
            SearchIndex.Chunk c = db.write(conn -> SearchIndex.indexNext(conn, limit, MAX_CHUNK_BYTES,
                    clock.instant()));
            long took = System.nanoTime() - t0;
            through = c.indexedThrough();
            if (c.rows() == 0) {
                return report(rows, chunks, through, start, true);
            }
            rows += c.rows();
            chunks++;
            rowsIndexed += c.rows();
            adapt(limit, c.rows(), took);
            if (System.nanoTime() - deadline >= 0) {
                return report(rows, chunks, through, start, false);
            }
            pause(took);
        }
    }

    /**
     * Empties the index and builds it again from the first row, in chunks: drops the tokens of rows deleted since
     * they were indexed. Searches meanwhile read the rows not indexed again yet directly (bounded, and they say so).
     */
    public synchronized Report rebuild(Duration budget) throws SQLException {
        db.write(c -> {
            SearchIndex.reset(c, clock.instant());
            return null;
        });
        return catchUp(budget);
    }

    /** Rows this indexer has added since it was made. */
    public synchronized long rowsIndexed() {
        return rowsIndexed;
    }

    /** The next chunk's size from this one's speed: toward {@link #CHUNK_TARGET}, within the bounds. */
    private void adapt(int limit, int rows, long nanos) {
        long target = CHUNK_TARGET.toNanos();
        if (rows < limit) {
            return; // cut by the byte bound or the end of the table: says nothing about the speed
        }
        if (nanos < target / 2) {
            chunkRows = Math.min(MAX_CHUNK_ROWS, chunkRows * 2);
        } else if (nanos > target * 2) {
            chunkRows = Math.max(MIN_CHUNK_ROWS, chunkRows / 2);
        }
    }

    private void pause(long chunkNanos) throws SQLException {
        long millis = Math.round(chunkNanos * pauseShare / 1e6);
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while indexing for search", e);
        }
    }

    private static Report report(long rows, int chunks, long through, long startNanos, boolean caughtUp) {
        return new Report(rows, chunks, through, Duration.ofNanos(System.nanoTime() - startNanos), caughtUp);
    }
}
