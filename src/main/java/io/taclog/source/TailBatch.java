package io.taclog.source;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Lines read in one go, with the byte range each file contributed and the parser state each file
 * had at the start of its range (so parsing can resume exactly where the last commit left it).
 *
 * <p>A batch waits for its commit long after it was parsed, and its lines' bytes are not needed after
 * parsing: {@link #releaseLines} lets them go (they were a third of what every young collection of a backfill
 * copied). A rejected line keeps its bytes in what the parser made of it, for the quarantine record.
 */
public final class TailBatch {

    private volatile List<SourceLine> lines;
    private final int lineCount;
    private final List<FileRange> ranges;
    private final Map<Long, SourceFile> files;
    private final Map<Long, String> startStates;
    private final Instant observedAt;

    /**
     * @param observedAt wall-clock time the bytes were read (the "observed" timestamp of the lines)
     * @param startStates parser state per file id at the start of its range ({@code null} = fresh)
     */
    public TailBatch(List<SourceLine> lines, List<FileRange> ranges, Map<Long, SourceFile> files,
                     Map<Long, String> startStates, Instant observedAt) {
        this.lines = lines;
        this.lineCount = lines.size();
        this.ranges = ranges;
        this.files = files;
        this.startStates = startStates;
        this.observedAt = observedAt;
    }

    /** The lines read; empty once {@link #releaseLines released}. */
    public List<SourceLine> lines() {
        return lines;
    }

    /** How many lines the batch was read with (also after they were released). */
    public int lineCount() {
        return lineCount;
    }

    /** Drops the lines (the parser has made its facts of them); ranges, files and states stay. */
    public void releaseLines() {
        lines = List.of();
    }

    public List<FileRange> ranges() {
        return ranges;
    }

    public Map<Long, SourceFile> files() {
        return files;
    }

    public Map<Long, String> startStates() {
        return startStates;
    }

    public Instant observedAt() {
        return observedAt;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public long bytes() {
        long total = 0;
        for (FileRange r : ranges) {
            total += r.end() - r.start();
        }
        return total;
    }
}
