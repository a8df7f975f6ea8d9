package io.taclog.bench;

import io.taclog.archive.ArchiveMonth;
import io.taclog.archive.ArchiveViews;
import io.taclog.archive.Archiver;
import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.TaskStory;
import io.taclog.query.TimeWindow;
import io.taclog.query.ToolsQuery;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.ReadOnlyDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Monthly archives on the QueryBenchmark database (a year of work, a million API calls, two million conversation
 * rows): the time to archive one month, step by step, and what --include-archives costs a query with one archive
 * attached and with eleven. Run with
 * {@code mvn -q -DskipTests package test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.ArchiveBenchmark -Dexec.args="--calls 1000000"} (or {@code --reuse FILE} to start
 * from a copy of a database QueryBenchmark generated).
 */
public final class ArchiveBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        Path dir = Files.createTempDirectory("taclog-archive-bench-");
        Path db = dir.resolve("million.db");
        if (a.containsKey("--reuse")) {
            Files.copy(Path.of(a.get("--reuse")), db);
        } else {
            int calls = Integer.parseInt(a.getOrDefault("--calls", "1000000"));
            long g0 = System.nanoTime();
            QueryBenchmark.generate(db, calls);
            System.out.printf("generated %,d calls in %.1f s%n", calls, (System.nanoTime() - g0) / 1e9);
        }
        System.out.printf("database %.0f MB%n", Files.size(db) / 1e6);
        Instant now = Instant.now();
        ArchiveMonth current = ArchiveMonth.of(now);
        ArchiveMonth first = new ArchiveMonth(current.month().minusMonths(11));
        ArchiveMonth middle = new ArchiveMonth(current.month().minusMonths(6));
        String task = taskOf(db, middle);
        System.out.println("month archived first: " + middle + " (sample task " + task + ")");

        queries("before archiving (every row in the database)", db, false, task);

        Path archives = dir.resolve("archive");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            archiveTimed(d, archives, middle);
        }
        System.out.printf("database %.0f MB after (free pages are reused; VACUUM returns them)%n",
                Files.size(db) / 1e6);
        queries("one month archived, without --include-archives", db, false, task);
        queries("one month archived, with --include-archives", db, true, task);

        long t0 = System.nanoTime();
        int n = 1;
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            for (ArchiveMonth m = first; m.compareTo(current) < 0; m = m.next()) {
                if (!m.equals(middle)) {
                    new Archiver(d, archives, 5000, Clock.systemUTC(), Archiver.NO_HOOK).archive(m);
                    n++;
                }
            }
        }
        System.out.printf("archived the other months in %.1f s: %d archives%n", (System.nanoTime() - t0) / 1e9, n);
        queries(n + " months archived, with --include-archives", db, true, task);
        System.out.println("work dir (delete when done): " + dir);
    }

    private static String taskOf(Path db, ArchiveMonth m) throws Exception {
        try (Connection c = ReadOnlyDatabase.open(db, 5000);
             PreparedStatement ps = c.prepareStatement("SELECT task_id FROM worker_sessions WHERE spawned_at >= ? "
                     + "AND spawned_at < ? ORDER BY spawned_at LIMIT 1 OFFSET 100")) {
            ps.setString(1, m.fromText());
            ps.setString(2, m.untilText());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "gh-1000";
            }
        }
    }

    private static void archiveTimed(Database d, Path archives, ArchiveMonth m) throws Exception {
        Map<Archiver.Step, Long> at = new EnumMap<>(Archiver.Step.class);
        long t0 = System.nanoTime();
        Archiver.Outcome o = new Archiver(d, archives, 5000, Clock.systemUTC(),
                (step, month) -> at.put(step, System.nanoTime())).archive(m);
        long end = System.nanoTime();
        System.out.printf("archived %s: %,d rows moved (%,d copies of records that stay), archive %.0f MB, %.1f s%n",
                m, o.entry().movedRows(), o.entry().rows() - o.entry().movedRows(), o.entry().bytes() / 1e6,
                (end - t0) / 1e9);
        long prev = t0;
        for (var e : at.entrySet()) {
            System.out.printf("  %-9s %6.2f s%n", e.getKey(), (e.getValue() - prev) / 1e9);
            prev = e.getValue();
        }
    }

    private interface Query {
        Object run(Connection c) throws Exception;
    }

    private static void queries(String title, Path db, boolean includeArchives, String task) throws Exception {
        System.out.println(title + ":");
        List<Double> attach = new ArrayList<>();
        Map<String, Query> qs = new java.util.LinkedHashMap<>();
        Instant now = Instant.now();
        qs.put("cost --by month (the year)", c -> new CostQuery(c, ZoneOffset.UTC).run(TimeWindow.ALL,
                CostGrouping.MONTH, false));
        qs.put("cost --today", c -> new CostQuery(c, ZoneOffset.UTC).run(TimeWindow.today(ZoneOffset.UTC, now),
                CostGrouping.NONE, false));
        qs.put("cost --by task (the year)", c -> new CostQuery(c, ZoneOffset.UTC).run(TimeWindow.ALL,
                CostGrouping.TASK, false));
        qs.put("task " + task + " --full", c -> new TaskStory(c).load(task, true));
        qs.put("tools (the year)", c -> new ToolsQuery(c).run(TimeWindow.ALL));
        for (var q : qs.entrySet()) {
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                try (Connection c = ReadOnlyDatabase.open(db, 5000)) {
                    long t = System.nanoTime();
                    if (includeArchives) {
                        ArchiveViews.attach(c, db);
                        attach.add((System.nanoTime() - t) / 1e6);
                    }
                    long q0 = System.nanoTime();
                    q.getValue().run(c);
                    ms.add((System.nanoTime() - q0) / 1e6);
                }
            }
            ms.sort(null);
            System.out.printf("  %-30s median %8.1f ms (min %.1f, max %.1f)%n", q.getKey(), ms.get(3), ms.get(0),
                    ms.get(6));
        }
        if (!attach.isEmpty()) {
            attach.sort(null);
            System.out.printf("  %-30s median %8.1f ms%n", "attach + views", attach.get(attach.size() / 2));
        }
    }
}
