package io.taclog.source;

/**
 * A contiguous byte range of one file consumed by a batch: {@code [start, end)}.
 *
 * <p>The writer commits {@code end} only if the stored offset still equals {@code start}, which is
 * what makes two batches of the same file unable to commit out of order or twice.
 *
 * @param lines lines (including fragments) emitted from the range
 * @param nulBytes NUL bytes skipped inside the range
 * @param nulRuns runs of NUL bytes skipped inside the range
 * @param marker hash of the bytes just before {@code end}, to detect a rewrite on restart
 * @param markerLength how many bytes {@code marker} covers
 */
public record FileRange(long fileId, long start, long end, int lines, long nulBytes, int nulRuns,
                        String marker, int markerLength) {
}
