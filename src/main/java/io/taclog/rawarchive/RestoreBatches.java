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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the re-read ranges of archived files into batches for the writer, as the tailer groups live files: several
 * small files in one transaction, each file's rows with its new offset. A batch holds ranges observed at one time
 * only (its lines' "observed" time) and one range per file; it is parsed from each file's state where its last range
 * ended, then committed.
 */
final class RestoreBatches {

    private final BatchParser parser;
    private final BatchWriter writer;
    private final int maxLines;
    private final long maxBytes;
    private final Map<Long, String> states = new HashMap<>();
    private final List<SourceLine> lines = new ArrayList<>();
    private final List<FileRange> ranges = new ArrayList<>();
    private final Map<Long, SourceFile> files = new LinkedHashMap<>();
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

    /** Adds a range of a file; the batch so far is committed first when the range does not fit into it. */
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

    /** Parses and commits what is collected. */
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
        writer.commit(parsed);
        states.putAll(parsed.endStates());
        linesCommitted += batch.lineCount();
        bytesCommitted += bytes;
        lines.clear();
        ranges.clear();
        files.clear();
        bytes = 0;
    }

    long linesCommitted() {
        return linesCommitted;
    }

    long bytesCommitted() {
        return bytesCommitted;
    }
}
