package io.taclog.validate;

import io.taclog.ingest.BatchParser;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.ParsedLine;
import io.taclog.source.FileKey;
import io.taclog.source.FileRange;
import io.taclog.source.FileStat;
import io.taclog.source.LineScanner;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Proves the ledger against the raw files: re-reads every committed byte range, re-parses it from the
 * stored start state, and checks that each line is accounted exactly once (rows, skip reason or
 * quarantine), that committed ranges are contiguous and never overlap, and that content checks (per
 * worker counts and tokens) agree with the database.
 */
public final class Validator {

    private static final int CHUNK_LINES = 5000;
    private static final long CHUNK_BYTES = 32L * 1024 * 1024;

    private final BatchParser parser;
    private final int maxLineBytes;
    private final List<ContentCheck> checks;

    /** Verdict for one file generation. */
    public record FileReport(long fileId, String path, String kind, String state, String verdict, long linesRead,
                             List<String> problems) {
        public boolean failed() {
            return "mismatch".equals(verdict);
        }
    }

    /** The whole validation. */
    public record Report(List<FileReport> files, List<String> contentProblems) {
        public boolean ok() {
            return files.stream().noneMatch(FileReport::failed) && contentProblems.isEmpty();
        }

        public long verifiedFiles() {
            return files.stream().filter(f -> "ok".equals(f.verdict())).count();
        }
    }

    public Validator(BatchParser parser, int maxLineBytes, List<ContentCheck> checks) {
        this.parser = parser;
        this.maxLineBytes = maxLineBytes;
        this.checks = List.copyOf(checks);
    }

    public Report validate(Connection db) throws SQLException {
        List<FileReport> reports = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT f.file_id, f.source_kind, f.path, f.device, f.inode, "
                + "f.first_line_hash, f.start_offset, f.committed_offset, f.marker_hash, f.marker_length, f.state, "
                + "f.start_parse_state FROM ingest_files f ORDER BY f.file_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reports.add(validateFile(db, new Stored(rs.getLong(1), rs.getString(2), rs.getString(3),
                        new FileKey(rs.getLong(4), rs.getLong(5)), rs.getString(6), rs.getLong(7), rs.getLong(8),
                        rs.getString(9), rs.getInt(10), rs.getString(11), rs.getString(12))));
            }
        }
        List<String> content = new ArrayList<>();
        for (ContentCheck c : checks) {
            for (String p : c.compare(db)) {
                content.add(c.name() + ": " + p);
            }
        }
        return new Report(reports, content);
    }

    private record Stored(long fileId, String kind, String path, FileKey key, String firstLineHash, long start,
                          long committed, String marker, int markerLength, String state, String startState) {
    }

    private FileReport validateFile(Connection db, Stored f) throws SQLException {
        List<String> problems = new ArrayList<>();
        LineTally stored = storedTally(db, f.fileId());
        problems.addAll(bookkeepingProblems(db, f, stored));
        if ("superseded".equals(f.state())) {
            return report(f, problems.isEmpty() ? "superseded" : "mismatch", stored.linesRead, problems);
        }
        Optional<Path> where = locate(db, f);
        if (where.isEmpty()) {
            return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                    withNote(problems, "file is no longer at any recorded path"));
        }
        try (FileChannel ch = FileChannel.open(where.get(), StandardOpenOption.READ)) {
            String unchanged = unchangedSinceCommit(ch, f);
            if (unchanged != null) {
                return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                        withNote(problems, unchanged));
            }
            LineTally raw = rescan(db, ch, f);
            problems.addAll(raw.diff(stored));
        } catch (IOException e) {
            return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                    withNote(problems, "cannot read " + where.get() + ": " + e.getMessage()));
        }
        return report(f, problems.isEmpty() ? "ok" : "mismatch", stored.linesRead, problems);
    }

    private static List<String> withNote(List<String> problems, String note) {
        List<String> out = new ArrayList<>(problems);
        out.add(note);
        return out;
    }

    private static FileReport report(Stored f, String verdict, long lines, List<String> problems) {
        return new FileReport(f.fileId(), f.path(), f.kind(), f.state(), verdict, lines, problems);
    }

    /** Null when the bytes up to the committed offset are still those that were committed. */
    private static String unchangedSinceCommit(FileChannel ch, Stored f) throws IOException {
        long size = ch.size();
        if (size < f.committed()) {
            return "file is now shorter (" + size + ") than its committed offset " + f.committed();
        }
        if (!f.firstLineHash().equals(io.taclog.source.Fingerprints.firstLineHash(ch, size))) {
            return "first line changed since it was committed";
        }
        if (!io.taclog.source.Fingerprints.markerMatches(ch, f.committed(), f.marker(), f.markerLength())) {
            return "bytes before the committed offset changed since they were committed";
        }
        return null;
    }

    private Optional<Path> locate(Connection db, Stored f) throws SQLException {
        List<String> candidates = new ArrayList<>();
        candidates.add(f.path());
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT path FROM ingest_file_paths WHERE file_id = ? ORDER BY last_seen_at DESC")) {
            ps.setLong(1, f.fileId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
        }
        for (String c : candidates) {
            try {
                Optional<FileStat> s = FileStat.of(Path.of(c));
                if (s.isPresent() && s.get().key().equals(f.key())) {
                    return Optional.of(Path.of(c));
                }
            } catch (IOException e) {
                // try the next recorded path
            }
        }
        return Optional.empty();
    }

    private LineTally rescan(Connection db, FileChannel ch, Stored f) throws IOException, SQLException {
        Set<Long> failedToStore = storeFailures(db, f.fileId());
        LineTally t = new LineTally();
        LineScanner scanner = new LineScanner(maxLineBytes);
        SourceFile file = new SourceFile(f.fileId(), f.path(), f.kind());
        boolean endsWithoutNewline = f.committed() > f.start()
                && LineScanner.read(ch, f.committed() - 1, 1)[0] != '\n';
        String state = f.startState();
        long pos = f.start();
        Instant observed = Instant.now();
        while (pos < f.committed()) {
            List<SourceLine> lines = new ArrayList<>();
            LineScanner.Result r = scanner.scan(ch, f.fileId(), pos, f.committed(),
                    new LineScanner.Limits(maxLineBytes, CHUNK_LINES, CHUNK_BYTES), LineScanner.HolePolicy.ALWAYS,
                    endsWithoutNewline, null, lines);
            if (r.consumedTo() == pos) {
                t.bytes += 0;
                break;
            }
            t.nulBytes += r.nulBytes();
            t.nulRuns += r.nulRuns();
            t.bytes += r.consumedTo() - pos;
            FileRange range = new FileRange(f.fileId(), pos, r.consumedTo(), lines.size(), r.nulBytes(), r.nulRuns(),
                    null, 0);
            Map<Long, String> states = new HashMap<>();
            states.put(f.fileId(), state);
            TailBatch batch = new TailBatch(lines, List.of(range), Map.of(f.fileId(), file), states, observed);
            ParsedBatch parsed = parser.parse(batch);
            for (ParsedLine pl : parsed.lines()) {
                tally(t, pl, failedToStore);
                for (ContentCheck c : checks) {
                    c.accept(file, pl);
                }
            }
            state = parsed.endStates().get(f.fileId());
            pos = r.consumedTo();
        }
        return t;
    }

    private static void tally(LineTally t, ParsedLine pl, Set<Long> failedToStore) {
        t.linesRead++;
        LineOutcome o = pl.outcome();
        if (o instanceof LineOutcome.Recovered rec) {
            t.fragments++;
            o = rec.inner();
        }
        if (o instanceof LineOutcome.Rows r) {
            if (failedToStore.contains(pl.line().offset())) {
                t.rejected++;
            } else {
                t.withRows++;
                t.rows += r.facts().size();
            }
        } else if (o instanceof LineOutcome.Skipped s) {
            t.skips.merge(s.reason(), 1L, Long::sum);
        } else {
            t.rejected++;
        }
    }

    private static Set<Long> storeFailures(Connection db, long fileId) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT byte_offset FROM ingest_rejects WHERE file_id = ? "
                + "AND kind = 'line' AND error LIKE 'rows could not be stored:%'")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static LineTally storedTally(Connection db, long fileId) throws SQLException {
        LineTally t = new LineTally();
        try (PreparedStatement ps = db.prepareStatement("SELECT lines_read, lines_with_rows, lines_rejected, "
                + "fragments_recovered, rows_written, bytes_committed, nul_bytes_skipped, nul_runs_skipped, "
                + "lines_skipped FROM ingest_ledger WHERE file_id = ?")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    t.linesRead = rs.getLong(1);
                    t.withRows = rs.getLong(2);
                    t.rejected = rs.getLong(3);
                    t.fragments = rs.getLong(4);
                    t.rows = rs.getLong(5);
                    t.bytes = rs.getLong(6);
                    t.nulBytes = rs.getLong(7);
                    t.nulRuns = rs.getLong(8);
                }
            }
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT reason, lines FROM ingest_skips WHERE file_id = ?")) {
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    t.skips.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return t;
    }

    /** Checks that hold inside the database alone, for every generation (superseded ones included). */
    private static List<String> bookkeepingProblems(Connection db, Stored f, LineTally stored) throws SQLException {
        List<String> problems = new ArrayList<>();
        long skippedColumn;
        try (PreparedStatement ps = db.prepareStatement("SELECT lines_skipped FROM ingest_ledger WHERE file_id = ?")) {
            ps.setLong(1, f.fileId());
            try (ResultSet rs = ps.executeQuery()) {
                skippedColumn = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (stored.linesRead != stored.withRows + skippedColumn + stored.rejected) {
            problems.add("ledger does not add up: read " + stored.linesRead + " != rows " + stored.withRows
                    + " + skipped " + skippedColumn + " + rejected " + stored.rejected);
        }
        if (skippedColumn != stored.skipped()) {
            problems.add("skips by reason sum to " + stored.skipped() + ", ledger says " + skippedColumn);
        }
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT kind, COUNT(*) FROM ingest_rejects WHERE file_id = ? GROUP BY kind")) {
            ps.setLong(1, f.fileId());
            long lines = 0;
            long fragments = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("line".equals(rs.getString(1))) {
                        lines = rs.getLong(2);
                    } else {
                        fragments = rs.getLong(2);
                    }
                }
            }
            if (lines != stored.rejected) {
                problems.add("quarantine holds " + lines + " rejected lines, ledger says " + stored.rejected);
            }
            if (fragments != stored.fragments) {
                problems.add("quarantine holds " + fragments + " fragments, ledger says " + stored.fragments);
            }
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT start_offset, end_offset, lines FROM ingest_commits "
                + "WHERE file_id = ? ORDER BY start_offset")) {
            ps.setLong(1, f.fileId());
            long expectStart = f.start();
            long lines = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long s = rs.getLong(1);
                    long e = rs.getLong(2);
                    if (s != expectStart) {
                        problems.add(s < expectStart ? "byte range [" + s + "," + e + ") committed twice (overlaps)"
                                : "gap in committed ranges: [" + expectStart + "," + s + ") never committed");
                    }
                    if (e <= s) {
                        problems.add("empty or inverted committed range [" + s + "," + e + ")");
                    }
                    expectStart = e;
                    lines += rs.getLong(3);
                }
            }
            if (expectStart != f.committed()) {
                problems.add("committed ranges end at " + expectStart + " but the offset is " + f.committed());
            }
            if (lines != stored.linesRead) {
                problems.add("committed ranges hold " + lines + " lines, ledger says " + stored.linesRead);
            }
        }
        return problems;
    }
}
