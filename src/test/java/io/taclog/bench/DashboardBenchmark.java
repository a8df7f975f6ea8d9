package io.taclog.bench;

import io.taclog.dashboard.DashboardServer;
import io.taclog.dashboard.DashboardSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Request timings of the dashboard on the benchmark database of {@link QueryBenchmark} (a million API calls, two
 * million conversation rows): every JSON endpoint a page uses, timed end to end over HTTP on loopback (server,
 * SQL, JSON, transfer), 3 warm-up requests and then 20 timed ones each. A benchmark that prints figures, not a
 * timed test. Run with
 * {@code mvn -q -DskipTests package test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.DashboardBenchmark -Dexec.args="--calls 1000000"} (or {@code --reuse DB}).
 */
public final class DashboardBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        int calls = Integer.parseInt(a.getOrDefault("--calls", "1000000"));
        int runs = Integer.parseInt(a.getOrDefault("--runs", "20"));
        Path dbPath;
        if (a.containsKey("--reuse")) {
            dbPath = Path.of(a.get("--reuse"));
        } else {
            Path dir = Files.createTempDirectory("taclog-dashboard-bench-");
            dbPath = dir.resolve("million.db");
            long g0 = System.nanoTime();
            QueryBenchmark.generate(dbPath, calls);
            System.out.printf("generated %,d calls in %.1f s (%.0f MB): %s%n", calls, (System.nanoTime() - g0) / 1e9,
                    Files.size(dbPath) / 1e6, dbPath);
        }
        // the sidecar keeps the search index filled; a database read without it would time the unindexed fallback
        try (io.taclog.sink.Database db = io.taclog.sink.Database.open(dbPath, io.taclog.sink.DatabaseSettings.defaults())) {
            long s0 = System.nanoTime();
            var report = new io.taclog.search.SearchIndexer(db, java.time.Clock.systemUTC(), false, Duration.ofHours(1), 0)
                    .catchUp(Duration.ofHours(1));
            if (report.rows() > 0) {
                System.out.printf("search index: %,d rows indexed in %.1f s%n", report.rows(), (System.nanoTime() - s0) / 1e9);
            }
        }
        String task;
        String worker;
        long rows;
        try (Connection c = io.taclog.sink.ReadOnlyDatabase.open(dbPath, 5000); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT w.task_id, w.worker_id FROM worker_sessions w "
                    + "ORDER BY w.spawned_at DESC LIMIT 1")) {
                rs.next();
                task = rs.getString(1);
                worker = rs.getString(2);
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM api_calls), "
                    + "(SELECT COUNT(*) FROM conversations)")) {
                rs.next();
                rows = rs.getLong(1);
                System.out.printf("database: %,d API calls, %,d conversation rows, %.0f MB%n", rows, rs.getLong(2),
                        Files.size(dbPath) / 1e6);
            }
        }
        DashboardSettings settings = new DashboardSettings(dbPath, "127.0.0.1", 0, Optional.empty(),
                ZoneId.systemDefault(), Optional.of(100.0), 1_000_000);
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("page /", "/");
        endpoints.put("overview", "/api/overview");
        // the cost page's three requests (table, chart by day, chart of the top tasks), for 30 days and for a year
        endpoints.put("cost table (30 days by task)", "/api/cost?by=task&page=1&size=100");
        endpoints.put("cost table (30 days by worker)", "/api/cost?by=worker&page=1&size=100");
        endpoints.put("cost chart (30 days by day, by model)", "/api/cost?by=day&breakdown=true");
        endpoints.put("cost chart (30 days, top 20 tasks)", "/api/cost?by=task&breakdown=true&top=20");
        endpoints.put("cost chart (365 days by day, by model)", "/api/cost?by=day&breakdown=true&from="
                + java.time.LocalDate.now().minusDays(364) + "&until=" + java.time.LocalDate.now());
        endpoints.put("cost table (365 days by task)", "/api/cost?by=task&page=1&size=100&from="
                + java.time.LocalDate.now().minusDays(364) + "&until=" + java.time.LocalDate.now());
        endpoints.put("tasks (page 1)", "/api/tasks");
        endpoints.put("tasks (page 40)", "/api/tasks?page=40");
        endpoints.put("tasks (completed, title filter)", "/api/tasks?status=completed&q=Generated");
        endpoints.put("task " + task, "/api/task?id=" + task);
        endpoints.put("worker " + worker, "/api/worker?id=" + worker);
        endpoints.put("conversation page", "/api/worker/messages?id=" + worker + "&limit=200");
        endpoints.put("API calls of a worker", "/api/worker/calls?id=" + worker + "&size=1000");
        endpoints.put("search 'npm test' (2M hits)", "/api/search?q=" + enc("npm test"));
        endpoints.put("search 'npm test' in one task", "/api/search?q=" + enc("npm test") + "&task=" + task);
        endpoints.put("search, no hit", "/api/search?q=" + enc("no such words anywhere"));
        endpoints.put("performance (7 days)", "/api/performance");
        endpoints.put("live version", "/api/version");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (DashboardServer server = DashboardServer.start(settings)) {
            System.out.printf("%-40s %9s %9s %9s %9s %10s%n", "request", "first ms", "median", "p95", "max", "bytes");
            for (var e : endpoints.entrySet()) {
                URI uri = server.url().resolve(e.getValue());
                List<Double> ms = new ArrayList<>();
                long bytes = 0;
                double first = 0;
                for (int i = 0; i < runs + 3; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    double took = (System.nanoTime() - t0) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(e.getValue() + " answered " + r.statusCode() + ": "
                                + new String(r.body(), StandardCharsets.UTF_8));
                    }
                    bytes = r.body().length;
                    if (i == 0) {
                        first = took;
                    }
                    if (i >= 3) {
                        ms.add(took);
                    }
                }
                ms.sort(null);
                System.out.printf("%-40s %9.1f %9.1f %9.1f %9.1f %,10d%n", e.getKey(), first, ms.get(ms.size() / 2),
                        ms.get((int) Math.ceil(ms.size() * 0.95) - 1), ms.get(ms.size() - 1), bytes);
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private DashboardBenchmark() {
    }
}
