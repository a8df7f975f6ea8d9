package io.taclog.source;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Lines read in one go, with the byte range each file contributed and the parser state each file
 * had at the start of its range (so parsing can resume exactly where the last commit left it).
 *
 * @param observedAt wall-clock time the bytes were read (the "observed" timestamp of the lines)
 * @param startStates parser state per file id at the start of its range ({@code null} = fresh)
 */
public record TailBatch(List<SourceLine> lines, List<FileRange> ranges, Map<Long, SourceFile> files,
                        Map<Long, String> startStates, Instant observedAt) {

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
