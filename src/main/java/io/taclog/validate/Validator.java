package io.taclog.validate;

import io.taclog.ingest.BatchParser;
import io.taclog.source.FileKey;
import io.taclog.source.FileStat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proves the ledger against the raw files: re-reads every committed byte range, re-parses it from the
 * stored start state, and checks that each line is accounted exactly once (rows, skip reason or
 * quarantine), that committed ranges are contiguous and never overlap, and that content checks (per
 * worker counts and tokens) agree with the database.
 */
public final class Validator {

    /** Where a verified generation's bytes were read: its original file or the raw archive. */
    public static final String FROM_FILE = "file";
    public static final String FROM_ARCHIVE = "archive";

    private final List<ContentCheck> checks;
    private final RawRescan rescan;
    /** The raw archive to read generations from ({@code --against-archive}), or null. */
    private final ArchivedCopies archive;

    /**
     * Verdict for one file generation.
     *
     * @param readFrom where its bytes were read ({@link #FROM_FILE}, {@link #FROM_ARCHIVE}), null when they were not
     */
    public record FileReport(long fileId, String path, String kind, String state, String verdict, long linesRead,
                             List<String> problems, String readFrom) {
        public boolean failed() {
            return "mismatch".equals(verdict);
        }
    }

    /** The whole validation. */
    public record Report(List<FileReport> files, List<String> contentProblems, List<String> notes) {
        public boolean ok() {
            return files.stream().noneMatch(FileReport::failed) && contentProblems.isEmpty();
        }

        public long verifiedFiles() {
            return files.stream().filter(f -> "ok".equals(f.verdict())).count();
        }

        /** Generations verified against the raw archive's copy of their bytes. */
        public long verifiedFromArchive() {
            return files.stream().filter(f -> "ok".equals(f.verdict()) && FROM_ARCHIVE.equals(f.readFrom())).count();
        }
    }

    public Validator(BatchParser parser, int maxLineBytes, List<ContentCheck> checks) {
        this(parser, maxLineBytes, checks, null);
    }

    /**
     * A validator that reads each generation the raw archive holds whole from the archive (also superseded ones, whose
     * original bytes are gone), and the others from their files.
     */
    public Validator(BatchParser parser, int maxLineBytes, List<ContentCheck> checks, ArchivedCopies archive) {
        this.checks = List.copyOf(checks);
        this.rescan = new RawRescan(parser, maxLineBytes, this.checks);
        this.archive = archive;
    }

    public Report validate(Connection db) throws SQLException {
        return validate(db, null);
    }

    /**
     * As {@link #validate(Connection)}, for the files of one host only ({@code hostId}; PostgreSQL, where many
     * sidecars share the database and each can re-read only its own files). The other hosts' rows are then the
     * content checks' unverifiable rows, as rows of files gone are.
     */
    public Report validate(Connection db, String hostId) throws SQLException {
        List<FileReport> reports = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT f.file_id, f.source_kind, f.path, f.device, f.inode, "
                + "f.first_line_hash, f.start_offset, f.committed_offset, f.marker_hash, f.marker_length, f.state, "
                + "f.start_parse_state FROM ingest_files f" + (hostId == null ? "" : " WHERE f.host_id = ?")
                + " ORDER BY f.file_id")) {
            if (hostId != null) {
                ps.setString(1, hostId);
            }
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                reports.add(validateFile(db, new StoredFile(rs.getLong(1), rs.getString(2), rs.getString(3),
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
        List<String> notes = new ArrayList<>();
        for (ContentCheck c : checks) {
            notes.addAll(c.notes());
        }
        return new Report(reports, content, notes);
    }

    private FileReport validateFile(Connection db, StoredFile f) throws SQLException {
        List<String> problems = new ArrayList<>();
        LineTally stored = Bookkeeping.storedTally(db, f.fileId());
        problems.addAll(Bookkeeping.problems(db, f, stored));
        String notInArchive = null;
        if (archive != null) {
            ArchivedCopies.Lookup copy;
            try {
                copy = archive.open(f.fileId(), f.kind(), f.key(), f.firstLineHash(), f.start(), f.committed());
            } catch (IOException e) {
                return report(f, "mismatch", stored.linesRead, withNote(problems, "raw archive: " + e.getMessage()),
                        null);
            }
            if (copy.copy() != null) {
                try (ArchivedCopies.Copy c = copy.copy()) {
                    problems.addAll(rescan.rescan(db, c.channel(), f).diff(stored));
                } catch (IOException e) {
                    return report(f, "mismatch", stored.linesRead, withNote(problems, "raw archive: " + e.getMessage()),
                            null);
                }
                return report(f, problems.isEmpty() ? "ok" : "mismatch", stored.linesRead, problems, FROM_ARCHIVE);
            }
            notInArchive = copy.missing();
        }
        if ("superseded".equals(f.state())) {
            return report(f, problems.isEmpty() ? "superseded" : "mismatch", stored.linesRead, problems, null);
        }
        Optional<Path> where = locate(db, f);
        if (where.isEmpty()) {
            List<String> notes = withNote(problems, "file is no longer at any recorded path");
            return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                    notInArchive == null ? notes : withNote(notes, notInArchive), null);
        }
        try (FileChannel ch = FileChannel.open(where.get(), StandardOpenOption.READ)) {
            String unchanged = unchangedSinceCommit(ch, f);
            if (unchanged != null) {
                return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                        withNote(problems, unchanged), null);
            }
            LineTally raw = rescan.rescan(db, ch, f);
            problems.addAll(raw.diff(stored));
        } catch (IOException e) {
            return report(f, problems.isEmpty() ? "unverifiable" : "mismatch", stored.linesRead,
                    withNote(problems, "cannot read " + where.get() + ": " + e.getMessage()), null);
        }
        return report(f, problems.isEmpty() ? "ok" : "mismatch", stored.linesRead, problems, FROM_FILE);
    }

    private static List<String> withNote(List<String> problems, String note) {
        List<String> out = new ArrayList<>(problems);
        out.add(note);
        return out;
    }

    private static FileReport report(StoredFile f, String verdict, long lines, List<String> problems, String from) {
        return new FileReport(f.fileId(), f.path(), f.kind(), f.state(), verdict, lines, problems, from);
    }

    /** Null when the bytes up to the committed offset are still those that were committed. */
    private static String unchangedSinceCommit(FileChannel ch, StoredFile f) throws IOException {
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

    private Optional<Path> locate(Connection db, StoredFile f) throws SQLException {
        List<String> candidates = new ArrayList<>();
        candidates.add(f.path());
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT path FROM ingest_file_paths WHERE file_id = ? ORDER BY last_seen_at DESC NULLS LAST, path")) {
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
}
