package io.taclog.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of one tail source.
 *
 * @param kind source kind handed to the parsers (transcripts, coordinator-log, coordinator-events)
 * @param roots directories (walked) or single files
 * @param include glob patterns a file must match (relative to its root; a pattern without '/' matches
 *     the file name)
 * @param exclude glob patterns that exclude a file
 * @param oneShot backfill mode: read what is there, never wait for NUL holes to fill
 * @param fullScanInterval with change notification, how often the watched paths are still walked whole (a
 *     safety net); between walks a scan looks only at what changed. Zero: walk at every scan, no notification
 */
public record TailOptions(String kind, List<Path> roots, List<String> include, List<String> exclude,
                          boolean recursive, int maxLineBytes, int batchMaxLines, long batchMaxBytes,
                          int maxOpenFiles, Duration scanInterval, Duration rotateWait, Duration idleClose,
                          Duration holeGrace, boolean oneShot, Duration fullScanInterval) {

    /** Options that walk the watched paths at every scan (no change notification). */
    public TailOptions(String kind, List<Path> roots, List<String> include, List<String> exclude,
                       boolean recursive, int maxLineBytes, int batchMaxLines, long batchMaxBytes,
                       int maxOpenFiles, Duration scanInterval, Duration rotateWait, Duration idleClose,
                       Duration holeGrace, boolean oneShot) {
        this(kind, roots, include, exclude, recursive, maxLineBytes, batchMaxLines, batchMaxBytes, maxOpenFiles,
                scanInterval, rotateWait, idleClose, holeGrace, oneShot, Duration.ZERO);
    }

    public TailOptions {
        roots = List.copyOf(roots);
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /** Defaults suitable for tests and the documented configuration defaults. */
    public static TailOptions defaults(String kind, List<Path> roots) {
        return new TailOptions(kind, roots, List.of("*.jsonl"), List.of(), true, 16 * 1024 * 1024, 5000,
                2L * 1024 * 1024, 256, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofSeconds(5), false);
    }

    public TailOptions withInclude(List<String> patterns) {
        return new TailOptions(kind, roots, patterns, exclude, recursive, maxLineBytes, batchMaxLines, batchMaxBytes,
                maxOpenFiles, scanInterval, rotateWait, idleClose, holeGrace, oneShot, fullScanInterval);
    }

    public TailOptions withOneShot(boolean value) {
        return new TailOptions(kind, roots, include, exclude, recursive, maxLineBytes, batchMaxLines, batchMaxBytes,
                maxOpenFiles, scanInterval, rotateWait, idleClose, holeGrace, value, fullScanInterval);
    }

    public TailOptions withTimings(Duration scan, Duration rotate, Duration idle, Duration hole) {
        return new TailOptions(kind, roots, include, exclude, recursive, maxLineBytes, batchMaxLines, batchMaxBytes,
                maxOpenFiles, scan, rotate, idle, hole, oneShot, fullScanInterval);
    }

    public TailOptions withLimits(int maxLine, int maxLines, long maxBytes, int maxOpen) {
        return new TailOptions(kind, roots, include, exclude, recursive, maxLine, maxLines, maxBytes, maxOpen,
                scanInterval, rotateWait, idleClose, holeGrace, oneShot, fullScanInterval);
    }

    public TailOptions withFullScanInterval(Duration value) {
        return new TailOptions(kind, roots, include, exclude, recursive, maxLineBytes, batchMaxLines, batchMaxBytes,
                maxOpenFiles, scanInterval, rotateWait, idleClose, holeGrace, oneShot, value);
    }

    /** Whether scans between full walks look only at what change notification reported. */
    public boolean watchChanges() {
        return !oneShot && fullScanInterval.compareTo(scanInterval) > 0;
    }
}
