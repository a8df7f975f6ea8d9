package io.taclog.maintenance;

import io.taclog.model.Times;
import io.taclog.sink.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Compacts {@code ingest_commits}: a file's ranges committed before a cutoff that follow each other without a
 * gap are merged into one row (the first start, the last end, the sum of the lines, the last commit time).
 *
 * <p>Merged, not deleted: {@code taclog validate} proves that each file's ranges run from its start offset to
 * its committed offset without gap or overlap and that their lines add up to the ledger's, so every byte must
 * stay covered. Recent rows, which the tail-latency benchmark reads (the commit time of each range), are left
 * alone, as is any range next to a gap or an overlap (validate reports those; a merge would hide them). Each
 * transaction handles at most {@code chunk} rows of one file, so a batch commit waits for it only briefly.
 */
public final class CommitLogCompaction {

    private final Database db;
    private final int chunk;

    public CommitLogCompaction(Database db, int chunk) {
        if (chunk < 2) {
            throw new IllegalArgumentException("a chunk merges at least two rows");
        }
        this.db = db;
        this.chunk = chunk;
    }

    /** Compacts every file's ranges committed before {@code cutoff}; returns the rows removed. */
    public long compactBefore(Instant cutoff) throws SQLException {
        String before = Times.format(cutoff);
        long removed = 0;
        for (long fileId : db.write(CommitLogCompaction::fileIds)) {
            long from = Long.MIN_VALUE;
            while (true) {
                long start = from;
                Step s = db.write(c -> step(c, fileId, start, before));
                removed += s.removed;
                if (s.done) {
                    break;
                }
                from = s.next;
            }
        }
        return removed;
    }

    private record Step(long removed, long next, boolean done) {
    }

    private record Range(long start, long end, long lines, String committedAt) {
    }

    private static List<Long> fileIds(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT file_id FROM ingest_files ORDER BY file_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** One transaction: the next {@code chunk} ranges of a file from {@code from} on, in offset order. */
    private Step step(Connection c, long fileId, long from, String before) throws SQLException {
        List<Range> ranges = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT start_offset, end_offset, lines, committed_at "
                + "FROM ingest_commits WHERE file_id = ? AND start_offset >= ? ORDER BY start_offset LIMIT ?")) {
            ps.setLong(1, fileId);
            ps.setLong(2, from);
            ps.setInt(3, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranges.add(new Range(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        // the old ranges come first (a file's ranges are committed in offset order); stop at the first recent one
        int old = 0;
        while (old < ranges.size() && ranges.get(old).committedAt().compareTo(before) < 0) {
            old++;
        }
        long removed = 0;
        Range run = null;
        Range first = null; // the run's first row as stored: a run that merged nothing is not rewritten
        for (int i = 0; i < old; i++) {
            Range r = ranges.get(i);
            if (run != null && r.start() == run.end()) {
                run = new Range(run.start(), r.end(), run.lines() + r.lines(), r.committedAt());
                removed += delete(c, fileId, r.start());
            } else {
                updateIfMerged(c, fileId, first, run);
                run = r;
                first = r;
            }
        }
        updateIfMerged(c, fileId, first, run);
        boolean done = old < ranges.size() || ranges.size() < chunk;
        // the next chunk starts at the last run, which may go on merging with the ranges after it
        return new Step(removed, run == null ? from : run.start(), done || run == null);
    }

    private static long delete(Connection c, long fileId, long start) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM ingest_commits WHERE file_id = ? AND start_offset = ?")) {
            ps.setLong(1, fileId);
            ps.setLong(2, start);
            return ps.executeUpdate();
        }
    }

    private static void updateIfMerged(Connection c, long fileId, Range first, Range run) throws SQLException {
        if (run == null || run.equals(first)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE ingest_commits SET end_offset = ?, lines = ?, "
                + "committed_at = ? WHERE file_id = ? AND start_offset = ?")) {
            ps.setLong(1, run.end());
            ps.setLong(2, run.lines());
            ps.setString(3, run.committedAt());
            ps.setLong(4, fileId);
            ps.setLong(5, run.start());
            ps.executeUpdate();
        }
    }
}
