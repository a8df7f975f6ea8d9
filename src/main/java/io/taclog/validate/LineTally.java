package io.taclog.validate;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Ledger figures of one file generation, as stored or as recomputed from the raw bytes. */
final class LineTally {
    long linesRead;
    long withRows;
    long rejected;
    long fragments;
    long rows;
    long bytes;
    long nulBytes;
    long nulRuns;
    final Map<String, Long> skips = new TreeMap<>();

    long skipped() {
        return skips.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Human-readable differences, {@code this} being what the raw files say. */
    java.util.List<String> diff(LineTally stored) {
        java.util.List<String> out = new java.util.ArrayList<>();
        cmp(out, "lines read", linesRead, stored.linesRead);
        cmp(out, "lines with rows", withRows, stored.withRows);
        cmp(out, "lines rejected", rejected, stored.rejected);
        cmp(out, "fragments recovered", fragments, stored.fragments);
        cmp(out, "rows", rows, stored.rows);
        cmp(out, "bytes", bytes, stored.bytes);
        cmp(out, "NUL bytes skipped", nulBytes, stored.nulBytes);
        cmp(out, "NUL runs skipped", nulRuns, stored.nulRuns);
        if (!Objects.equals(skips, stored.skips)) {
            out.add("skips by reason: raw files say " + skips + ", ledger says " + stored.skips);
        }
        return out;
    }

    private static void cmp(java.util.List<String> out, String what, long raw, long db) {
        if (raw != db) {
            out.add(what + ": raw files say " + raw + ", ledger says " + db);
        }
    }
}
