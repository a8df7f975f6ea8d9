package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.IngestMonitor;
import io.taclog.source.DirectoryScanner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Before/after snapshot of the database around a backfill, printed as its summary. */
final class BackfillReport {

    static final List<String> TABLES = List.of("coordinator_sessions", "action_triggers", "logic_flow", "tasks",
            "worker_sessions", "conversations", "api_calls", "worktree_operations", "system_events");

    private final IngestRuntime runtime;
    private Snapshot before;
    private Snapshot after;
    private long startNanos;
    private long endNanos;

    private static final class Snapshot {
        final Map<String, Long> tables = new LinkedHashMap<>();
        final Map<String, Long> skips = new TreeMap<>();
        long files;
        long lines;
        long withRows;
        long skipped;
        long rejected;
        long bytes;
        long committed;
        Double cost;
        double trustedCost;
    }

    BackfillReport(IngestRuntime runtime) {
        this.runtime = runtime;
    }

    void before() throws SQLException {
        before = snapshot();
        startNanos = System.nanoTime();
    }

    void after() throws SQLException {
        endNanos = System.nanoTime();
        after = snapshot();
    }

    /**
     * Estimates the work ahead on a thread of its own and hands it to the monitor when known: the estimate walks
     * every source directory, which the load does too, so it must not delay the load's start.
     */
    void estimateWorkInBackground(IngestMonitor monitor) {
        Thread t = new Thread(() -> {
            long[] work = pendingWork();
            monitor.setExpectedFiles(work[0]);
            monitor.setExpectedBytes(work[1]);
        }, "taclog-estimate");
        t.setDaemon(true);
        t.start();
    }

    /** Files and bytes in the configured sources beyond what is committed: the work ahead (for the ETA). */
    long[] pendingWork() {
        TaclogConfig c = runtime.config();
        long[] total = new long[2];
        sizes(c.get(ConfigKeys.WATCH), c, total);
        sizes(c.get(ConfigKeys.COORDINATOR_LOG), c, total);
        sizes(c.get(ConfigKeys.COORDINATOR_EVENTS), c, total);
        return new long[] {total[0], Math.max(0, total[1] - before.committed)};
    }

    private static void sizes(List<Path> roots, TaclogConfig c, long[] total) {
        DirectoryScanner s = new DirectoryScanner(roots, c.get(ConfigKeys.RECURSIVE), c.get(ConfigKeys.INCLUDE),
                c.get(ConfigKeys.EXCLUDE));
        for (DirectoryScanner.Found f : s.listWithSizes()) {
            total[1] += f.size();
            total[0]++;
        }
    }

    long rejectedThisRun() {
        return after.rejected - before.rejected;
    }

    private Snapshot snapshot() throws SQLException {
        return runtime.database().withWriter(c -> {
            Snapshot s = new Snapshot();
            try (Statement st = c.createStatement()) {
                for (String t : TABLES) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t)) {
                        rs.next();
                        s.tables.put(t, rs.getLong(1));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(lines_read),0), "
                        + "COALESCE(SUM(lines_with_rows),0), COALESCE(SUM(lines_skipped),0), "
                        + "COALESCE(SUM(lines_rejected),0), COALESCE(SUM(bytes_committed),0) FROM ingest_ledger")) {
                    rs.next();
                    s.files = rs.getLong(1);
                    s.lines = rs.getLong(2);
                    s.withRows = rs.getLong(3);
                    s.skipped = rs.getLong(4);
                    s.rejected = rs.getLong(5);
                    s.bytes = rs.getLong(6);
                }
                try (ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(committed_offset - start_offset),0) "
                        + "FROM ingest_files WHERE state <> 'superseded'")) {
                    rs.next();
                    s.committed = rs.getLong(1);
                }
                try (ResultSet rs = st.executeQuery("SELECT reason, SUM(lines) FROM ingest_skips GROUP BY reason")) {
                    while (rs.next()) {
                        s.skips.put(rs.getString(1), rs.getLong(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT SUM(estimated_cost_usd) FROM api_calls")) {
                    rs.next();
                    double v = rs.getDouble(1);
                    s.cost = rs.wasNull() ? null : v;
                }
            }
            for (var row : new io.taclog.query.CostQuery(c, java.time.ZoneOffset.UTC).run(
                    io.taclog.query.TimeWindow.ALL, io.taclog.query.CostGrouping.NONE, false)) {
                s.trustedCost += row.costUsd();
            }
            return s;
        });
    }

    void print(PrintWriter out) {
        double seconds = Math.max(1e-9, (endNanos - startNanos) / 1e9);
        long lines = after.lines - before.lines;
        long bytes = after.bytes - before.bytes;
        out.printf("Backfill of %s: %,d lines (%.1f MB) in %.1f s, %,.0f lines/s, %.1f MB/s%n",
                runtime.database().describe(), lines, bytes / 1e6, seconds, lines / seconds,
                bytes / 1e6 / seconds);
        Tabular summary = new Tabular("what", "this run", "database total");
        summary.add("files (generations)", after.files - before.files, after.files);
        summary.add("lines read", lines, after.lines);
        summary.add("lines with rows", after.withRows - before.withRows, after.withRows);
        summary.add("lines skipped", after.skipped - before.skipped, after.skipped);
        summary.add("lines rejected (quarantined)", after.rejected - before.rejected, after.rejected);
        for (String t : TABLES) {
            summary.add("rows in " + t, after.tables.get(t) - before.tables.get(t), after.tables.get(t));
        }
        if (after.cost != null) {
            double b = before.cost == null ? 0 : before.cost;
            summary.add("estimated cost (USD, price table)", after.cost - b, after.cost);
            summary.add("cost (USD, reported where known)", after.trustedCost - before.trustedCost, after.trustedCost);
        }
        summary.print(out, Format.TABLE);
        Map<String, Long> skipDelta = new TreeMap<>();
        after.skips.forEach((k, v) -> {
            long d = v - before.skips.getOrDefault(k, 0L);
            if (d != 0) {
                skipDelta.put(k, d);
            }
        });
        if (!skipDelta.isEmpty()) {
            out.println();
            Tabular skips = new Tabular("skip reason", "lines");
            skipDelta.forEach(skips::add);
            skips.print(out, Format.TABLE);
        }
    }
}
