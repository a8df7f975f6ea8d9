package io.taclog.rawarchive;

import io.taclog.ingest.BatchParser;
import io.taclog.model.Times;
import io.taclog.sink.BatchWriter;
import io.taclog.sink.Database;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.source.FileRange;
import io.taclog.source.Fingerprints;
import io.taclog.source.LineScanner;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code taclog backfill --from-archive DIR}: re-ingests the archived bytes as if they were the original files, with
 * the same generation ids, paths and parser states, cut into batches at the original commits and given the time each
 * was committed as the time its lines were observed. The result is the database the original ingest built, as far as
 * the archive holds its files.
 *
 * <p>Checked before anything is written: every segment unpacks to the bytes its entry names (size, SHA-256), and the
 * target database holds no other file under an archived generation's id. A generation the target already has is
 * continued from its committed offset (nothing is read twice); one it has whole is left alone, so running the restore
 * again changes nothing.
 */
public final class ArchiveRestore {

    private static final int BATCH_LINES = 5000;
    private static final long BATCH_BYTES = 2L << 20;

    private final ArchiveIndex index;
    private final int maxLineBytes;

    /**
     * What a restore did.
     *
     * @param restored generations created from the archive; {@code continued} ones the target had in part
     * @param complete generations the target already held to the archive's end
     * @param gaps generations the archive holds with a hole: restored up to it
     */
    public record Result(int restored, int continued, int complete, int segments, long bytes, long lines,
                         List<String> gaps, List<String> problems, Duration took) {
    }

    public ArchiveRestore(ArchiveIndex index, int maxLineBytes) {
        this.index = index;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Unpacks every segment and checks its size and SHA-256 (reading only; on every core). Every corrupt or missing
     * segment is counted; any refuses the restore.
     */
    public int verifySegments() {
        List<ManifestEntry> segments = index.segments();
        List<String> bad = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (ManifestEntry e : segments) {
                checks.add(pool.submit(() -> {
                    try {
                        SegmentFiles.verify(index.raw().resolve(e.segment()), e.bytes(), e.sha256());
                    } catch (IOException ex) {
                        bad.add(ex.getMessage());
                    }
                }));
            }
            for (Future<?> f : checks) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RawArchiveRefused("interrupted while checking the segments", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (!bad.isEmpty()) {
            List<String> sorted = bad.stream().sorted().toList();
            throw new RawArchiveRefused(bad.size() + " of " + segments.size() + " segments are corrupt or missing: "
                    + String.join("; ", sorted.subList(0, Math.min(5, bad.size()))) + (bad.size() > 5 ? "; ..." : ""));
        }
        return segments.size();
    }

    /**
     * Checks (reading only) that an existing target database fits the archive: every archived generation id it has
     * names the same file there. Not ours: another database's files under those ids, which a restore would mix.
     */
    public void checkTarget(Path db, int busyTimeoutMillis) throws SQLException {
        if (!Files.isRegularFile(db)) {
            return;
        }
        List<String> clashes = new ArrayList<>();
        try (Connection c = ReadOnlyDatabase.open(db, busyTimeoutMillis)) {
            if (!hasTable(c, "ingest_files")) {
                return;
            }
            for (RestoredFiles.Existing e : RestoredFiles.existing(c, index).values()) {
                ArchivedGeneration g = index.generation(e.fileId());
                if (!e.identity().equals(g.identity())) {
                    clashes.add("file " + e.fileId() + " is " + e.identity() + " there, " + g.identity() + " ("
                            + g.path() + ") in the archive");
                }
            }
        }
        if (!clashes.isEmpty()) {
            throw new RawArchiveRefused("database " + db + " holds other files under the archive's ids ("
                    + clashes.size() + ", e.g. " + clashes.get(0) + "): restore into a new database");
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Re-ingests every generation through {@code parser} and {@code writer}, unpacking into {@code tempDir}. */
    public Result restore(Database db, BatchParser parser, BatchWriter writer, Path tempDir, Clock clock)
            throws SQLException, IOException {
        long started = System.nanoTime();
        String now = Times.format(clock.instant());
        Map<Long, RestoredFiles.Existing> existing = db.withWriter(c -> RestoredFiles.existing(c, index));
        List<ArchivedGeneration> create = index.generations().stream()
                .filter(g -> !existing.containsKey(g.id()) && !g.chain().isEmpty()).toList();
        RestoredFiles.create(db, create, index, now);
        try (RestoreBatches batches = new RestoreBatches(parser, writer, BATCH_LINES, BATCH_BYTES)) {
            return restore(db, batches, existing, create.size(), tempDir, started);
        }
    }

    private Result restore(Database db, RestoreBatches batches, Map<Long, RestoredFiles.Existing> existing, int created,
                           Path tempDir, long started) throws SQLException, IOException {
        List<String> gaps = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<RawArchiveLog.Row> rows = new ArrayList<>();
        int continued = 0;
        int complete = 0;
        int segments = 0;
        for (ArchivedGeneration g : index.generations()) {
            if (g.gap() != null) {
                gaps.add("file " + g.id() + " (" + g.path() + "): " + g.gap() + (g.chain().isEmpty()
                        ? "; nothing of it is restored" : "; restored up to byte " + g.end()));
            }
            if (g.chain().isEmpty()) {
                continue; // nothing from its start: no line of it can be parsed as it was
            }
            RestoredFiles.Existing had = existing.get(g.id());
            long from = had == null ? g.identity().start() : had.committed();
            if (had != null && from >= g.end()) {
                complete++;
                rows.addAll(records(g));
                continue;
            }
            if (had != null) {
                continued++;
            }
            batches.begin(g.id(), had == null ? g.chain().get(0).startState() : had.parseState());
            // the segment ending at `from` too: the database's offset marker is checked against its last bytes
            List<ManifestEntry> needed = g.chain().stream().filter(e -> e.to() >= from && e.to() > e.from()).toList();
            try (GenerationBytes bytes = GenerationBytes.unpack(index.raw(), needed, tempDir)) {
                if (had != null
                        && !Fingerprints.markerMatches(bytes.channel(), from, had.marker(), had.markerLength())) {
                    problems.add("file " + g.id() + " (" + g.path() + "): the database's committed offset " + from
                            + " does not fall on the archived bytes' line it names; left as it is");
                    continue;
                }
                reread(g, bytes, from, needed, batches, problems);
            }
            segments += (int) needed.stream().filter(e -> e.to() > from).count();
            rows.addAll(records(g));
        }
        batches.finish();
        RawArchiveLog.insert(db, rows); // the restored database knows what is archived: it never archives it again
        return new Result(created, continued, complete, segments, batches.bytesCommitted(),
                batches.linesCommitted(), gaps, problems, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Scans {@code [from, end)} of the unpacked bytes into ranges cut at the original commits. */
    private void reread(ArchivedGeneration g, GenerationBytes bytes, long from, List<ManifestEntry> segments,
                        RestoreBatches batches, List<String> problems) throws IOException, SQLException {
        FileChannel ch = bytes.channel();
        long end = g.end();
        TreeMap<Long, Long> cuts = cuts(segments, from);
        boolean endsWithoutNewline = LineScanner.read(ch, end - 1, 1)[0] != '\n';
        LineScanner scanner = new LineScanner(maxLineBytes);
        SourceFile file = new SourceFile(g.id(), g.path(), g.identity().kind());
        long pos = from;
        while (pos < end) {
            Map.Entry<Long, Long> cut = cuts.ceilingEntry(pos + 1);
            long to = cut.getKey();
            List<SourceLine> lines = new ArrayList<>();
            LineScanner.Result r = scanner.scan(ch, g.id(), pos, to, new LineScanner.Limits(maxLineBytes, BATCH_LINES,
                    BATCH_BYTES), LineScanner.HolePolicy.ALWAYS, to == end && endsWithoutNewline, null, lines);
            if (r.consumedTo() == pos) {
                if (to == end) {
                    problems.add("file " + g.id() + " (" + g.path() + "): bytes [" + pos + "," + end
                            + ") hold no complete line; not read");
                    return;
                }
                cuts.remove(to); // a cut that is not at a line's end (after a run of NUL bytes): read on to the next
                continue;
            }
            int markerLength = Fingerprints.markerLength(r.consumedTo(), r.lastLineStart());
            FileRange range = new FileRange(g.id(), pos, r.consumedTo(), lines.size(), r.nulBytes(), r.nulRuns(),
                    Fingerprints.marker(ch, r.consumedTo(), markerLength), markerLength);
            batches.add(file, lines, range, Instant.ofEpochMilli(cut.getValue()));
            pos = r.consumedTo();
        }
    }

    /**
     * Where the original commits ended after {@code from}, each with its commit time: the observed boundaries of the
     * segments and each segment's end (a commit's end too), which takes the segment's last observed time, else the
     * time it was written.
     */
    private static TreeMap<Long, Long> cuts(List<ManifestEntry> segments, long from) {
        TreeMap<Long, Long> cuts = new TreeMap<>();
        for (ManifestEntry e : segments) {
            long last = -1;
            for (ManifestEntry.Observed o : e.observed()) {
                if (o.end() > from && o.end() <= e.to()) {
                    cuts.put(o.end(), o.epochMillis());
                }
                last = o.epochMillis();
            }
            if (!cuts.containsKey(e.to())) {
                Instant written = Times.parseOrNull(e.writtenAt());
                cuts.put(e.to(), last >= 0 ? last : written != null ? written.toEpochMilli() : 0L);
            }
        }
        return cuts;
    }

    /** The rows that tell the restored database which of its bytes are archived (and which were missed). */
    private List<RawArchiveLog.Row> records(ArchivedGeneration g) {
        List<RawArchiveLog.Row> out = new ArrayList<>();
        String dir = index.dir().toString();
        for (ManifestEntry e : g.chain()) {
            out.add(new RawArchiveLog.Row(g.id(), e.from(), e.to(), RawArchiveLog.ARCHIVED, dir, e.segment(),
                    e.sha256(), e.compressedBytes(), e.endMarker(), e.endMarkerLength(), e.endState(), null,
                    e.writtenAt()));
        }
        if (!g.afterGap().isEmpty() && g.afterGap().get(0).missed() && g.afterGap().get(0).from() == g.end()) {
            ManifestEntry m = g.afterGap().get(0);
            out.add(new RawArchiveLog.Row(g.id(), m.from(), m.to(), RawArchiveLog.MISSED, dir, null, null, null,
                    m.endMarker(), m.endMarkerLength(), m.endState(), m.reason(), m.writtenAt()));
        }
        return out;
    }
}
