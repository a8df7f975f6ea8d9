package io.taclog.validate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the database alone says about a file generation's bookkeeping, and whether it adds up. */
final class Bookkeeping {

    private Bookkeeping() {
    }

    /** The ledger's figures of a file generation. */
    static LineTally storedTally(Connection db, long fileId) throws SQLException {
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

    /** Offsets of lines that parsed into rows the writer could not store (quarantined as rejects). */
    static Set<Long> storeFailures(Connection db, long fileId) throws SQLException {
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

    /** Checks that hold inside the database alone, for every generation (superseded ones included). */
    static List<String> problems(Connection db, StoredFile f, LineTally stored) throws SQLException {
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
