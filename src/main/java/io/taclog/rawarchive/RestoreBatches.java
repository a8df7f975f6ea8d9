package io.taclog.rawarchive;

import io.taclog.ingest.BatchParser;
import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import io.taclog.source.FileRange;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Groups the re-read ranges of archived files into batches for the writer, as the tailer groups live files: several
 * small files in one transaction, each file's rows with its new offset. A batch holds ranges observed at one time
 * only (its lines' "observed" time) and one range per file; it is parsed from each file's state where its last range
 * ended, then committed.
 *
 * <p>As in the sidecar, parsing and committing overlap: batches are parsed on the caller's thread and committed in
 * order on a writer thread of their own, at most {@link #IN_FLIGHT} waiting (the next batch of a file needs only the
 * parser state its last batch ended with, which parsing gives). A failed commit fails the restore at the next batch.
 */
final class RestoreBatches implements AutoCloseable {

    private static final int IN_FLIGHT = 4;

    private final BatchParser parser;
    private final BatchWriter writer;
    private final int maxLines;
    private final long maxBytes;
    private final Map<Long, String> states = new HashMap<>();
    private final List<SourceLine> lines = new ArrayList<>();
    private final List<FileRange> ranges = new ArrayList<>();
    private final Map<Long, SourceFile> files = new LinkedHashMap<>();
    private final ExecutorService commits = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "taclog-restore-writer");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();
    private Instant observedAt;
    private long bytes;
    private long linesCommitted;
    private long bytesCommitted;

    RestoreBatches(BatchParser parser, BatchWriter writer, int maxLines, long maxBytes) {
        this.parser = parser;
        this.writer = writer;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /** A file's parser state where its next range starts (null = fresh). */
    void begin(long fileId, String state) {
        states.put(fileId, state);
    }

    /** Adds a range of a file; the batch so far is handed on first when the range does not fit into it. */
    void add(SourceFile file, List<SourceLine> rangeLines, FileRange range, Instant observed) throws SQLException {
        if (!ranges.isEmpty() && (!observed.equals(observedAt) || files.containsKey(file.fileId())
                || lines.size() + rangeLines.size() > maxLines || bytes + range.end() - range.start() > maxBytes)) {
            flush();
        }
        observedAt = observed;
        lines.addAll(rangeLines);
        ranges.add(range);
        files.put(file.fileId(), file);
        bytes += range.end() - range.start();
    }

    /** Parses what is collected and queues it for the writer. */
    void flush() throws SQLException {
        if (ranges.isEmpty()) {
            return;
        }
        Map<Long, String> start = new HashMap<>();
        for (FileRange r : ranges) {
            start.put(r.fileId(), states.get(r.fileId()));
        }
        TailBatch batch = new TailBatch(new ArrayList<>(lines), new ArrayList<>(ranges), new HashMap<>(files), start,
                observedAt);
        ParsedBatch parsed = parser.parse(batch);
        states.putAll(parsed.endStates());
        linesCommitted += batch.lineCount();
        bytesCommitted += bytes;
        lines.clear();
        ranges.clear();
        files.clear();
        bytes = 0;
        while (inFlight.size() >= IN_FLIGHT) {
            await(inFlight.removeFirst());
        }
        inFlight.addLast(commits.submit(() -> {
            writer.commit(parsed);
            return null;
        }));
    }

    /** Hands on what is collected and waits until every batch is committed. */
    void finish() throws SQLException {
        flush();
        while (!inFlight.isEmpty()) {
            await(inFlight.removeFirst());
        }
    }

    private static void await(Future<?> f) throws SQLException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw new IllegalStateException("a restored batch could not be committed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    long linesCommitted() {
        return linesCommitted;
    }

    long bytesCommitted() {
        return bytesCommitted;
    }

    /**
     * Stops the writer thread: batches still queued are dropped (the restore failed; a later one continues from what
     * was committed), the one being committed is waited for, so that the database is not closed under it.
     */
    @Override
    public void close() {
        commits.shutdownNow();
        try {
            commits.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
