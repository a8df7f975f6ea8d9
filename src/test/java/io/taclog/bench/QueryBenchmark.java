package io.taclog.bench;

import io.taclog.cli.Main;
import io.taclog.model.Times;
import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.TaskStory;
import io.taclog.query.TimeWindow;
import io.taclog.schema.Migrator;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Query latency on a generated database with a million API calls (a year of 40 workers a day):
 * `query cost --today` and `query task <id> --full`, measured as SQL time on an open connection, as an
 * in-process CLI call, and end to end as a process. Run with
 * {@code mvn -q -DskipTests package test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.QueryBenchmark -Dexec.args="--calls 1000000"}.
 */
public final class QueryBenchmark {

    private static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101",
        "claude-haiku-4-5-20251001", "gpt-5.1-codex", "claude-sonnet-4-20250514", "gpt-5-mini"};

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        int calls = Integer.parseInt(a.getOrDefault("--calls", "1000000"));
        Path dir;
        Path dbPath;
        String task;
        if (a.containsKey("--reuse")) {
            dbPath = Path.of(a.get("--reuse"));
            dir = dbPath.getParent();
            task = a.getOrDefault("--task", "gh-1000");
        } else {
            dir = Files.createTempDirectory("taclog-query-bench-");
            dbPath = dir.resolve("million.db");
            long g0 = System.nanoTime();
            task = generate(dbPath, calls);
            System.out.printf("generated %,d calls in %.1f s (%.0f MB); sample task %s%n", calls,
                    (System.nanoTime() - g0) / 1e9, Files.size(dbPath) / 1e6, task);
        }
        ZoneId zone = ZoneId.systemDefault();
        try (Connection c = Database.openReadOnly(dbPath, 5000)) {
            time("SQL  cost --today      ", 20, () -> new CostQuery(c, zone).run(TimeWindow.today(zone, Instant.now()),
                    CostGrouping.NONE, false));
            time("SQL  cost --today --by model", 20, () -> new CostQuery(c, zone).run(
                    TimeWindow.today(zone, Instant.now()), CostGrouping.MODEL, true));
            time("SQL  task --full        ", 20, () -> new TaskStory(c).load(task, true));
        }
        String db = dbPath.toString();
        time("CLI  cost --today (in-process)", 10, () -> cli("query", "cost", "--today", "--db", db));
        time("CLI  task --full (in-process) ", 10, () -> cli("query", "task", task, "--full", "--db", db));
        String jar = a.getOrDefault("--jar", "target/taclog.jar");
        if (new File(jar).exists()) {
            time("PROC cost --today              ", 5, () -> process(jar, "query", "cost", "--today", "--db", db));
            time("PROC task --full               ", 5, () -> process(jar, "query", "task", task, "--full", "--db", db));
        } else {
            System.out.println("(no " + jar + ": process timings skipped; build with mvn package)");
        }
        System.out.println("work dir (delete when done): " + dir);
    }

    /** One timed piece of work of a benchmark. */
    interface Work {
        Object run() throws Exception;
    }

    /** Runs {@code w} {@code runs} times and prints the first, median and slowest time. */
    static void time(String what, int runs, Work w) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            w.run();
            ms.add((System.nanoTime() - t) / 1e6);
        }
        double first = ms.get(0);
        ms.sort(null);
        System.out.printf("%s first %.1f ms, median %.1f ms, max %.1f ms (%d runs)%n", what, first,
                ms.get(ms.size() / 2), ms.get(ms.size() - 1), runs);
    }

    private static Object cli(String... args) {
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
        if (code != 0) {
            throw new IllegalStateException("exit " + code + " for " + String.join(" ", args));
        }
        return code;
    }

    private static Object process(String jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException("exit " + code);
        }
        return code;
    }

    /** A year of work: 40 workers a day, about 70 calls each, with conversations and tool calls. */
    static String generate(Path path, int calls) throws Exception {
        Random r = new Random(7);
        Instant now = Instant.now();
        int days = 365;
        int workers = Math.max(1, calls / 70);
        String sample = null;
        try (Database db = Database.open(path, DatabaseSettings.defaults())) {
            Migrator.migrate(db);
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO coordinator_sessions(session_id, started_at, ended_at, exit_reason) VALUES "
                            + "('ses-bench', '" + Times.format(now.minus(Duration.ofDays(days))) + "', NULL, NULL)");
                }
                PreparedStatement task = c.prepareStatement("INSERT OR IGNORE INTO tasks(task_id, session_id, "
                        + "detected_at, source, issue_number, title, status) "
                        + "VALUES (?, 'ses-bench', ?, 'github', ?, ?, 'completed')");
                PreparedStatement worker = c.prepareStatement("INSERT INTO worker_sessions(worker_id, session_id, "
                        + "task_id, spawned_at, completed_at, status, origin, reported_cost_usd, last_activity_at) "
                        + "VALUES (?, 'ses-bench', ?, ?, ?, 'completed', 'coordinator', ?, ?)");
                PreparedStatement call = c.prepareStatement("INSERT INTO api_calls(worker_id, timestamp, model, "
                        + "provider, tokens_input, tokens_output, tokens_total, tokens_cached_read, "
                        + "tokens_cached_write, estimated_cost_usd, success, dedup_key, tokens_cache_write_5m, "
                        + "tokens_cache_write_1h, time_source, source) "
                        + "VALUES (?,?,?,'anthropic',?,?,?,?,?,?,1,?,?,0,'recorded','bench')");
                PreparedStatement conv = c.prepareStatement("INSERT INTO conversations(worker_id, message_index, "
                        + "timestamp, role, content, content_type, tool_name, tool_success, dedup_key, tool_use_id, "
                        + "tool_latency_ms, time_source) VALUES (?,?,?,?,?,?,?,?,?,?,?,'recorded')");
                int written = 0;
                for (int w = 0; w < workers; w++) {
                    Instant start = now.minus(Duration.ofMinutes((long) (r.nextDouble() * days * 1440)));
                    if (w % 50 == 0) {
                        start = now.minus(Duration.ofMinutes(r.nextInt(60 * 8))); // some work today
                    }
                    String taskId = "gh-" + (1000 + w / 5);
                    String workerId = "w-" + Integer.toHexString(0x100000 + w);
                    task.setString(1, taskId);
                    task.setString(2, Times.format(start));
                    task.setInt(3, 1000 + w / 5);
                    task.setString(4, "Generated task " + taskId);
                    task.executeUpdate();
                    int n = Math.min(calls - written, 40 + r.nextInt(60));
                    double cost = 0;
                    Instant t = start;
                    for (int k = 0; k < n; k++) {
                        t = t.plusSeconds(5 + r.nextInt(40));
                        long in = 2 + r.nextInt(20);
                        long out = 20 + r.nextInt(2000);
                        long cr = 20_000 + r.nextInt(150_000);
                        long cw = r.nextInt(5000);
                        double usd = (in * 3 + out * 15 + cr * 0.3 + cw * 3.75) / 1e6;
                        cost += usd;
                        call.setString(1, workerId);
                        call.setString(2, Times.format(t));
                        call.setString(3, MODELS[r.nextInt(MODELS.length)]);
                        call.setLong(4, in);
                        call.setLong(5, out);
                        call.setLong(6, in + out + cr + cw);
                        call.setLong(7, cr);
                        call.setLong(8, cw);
                        call.setDouble(9, usd);
                        call.setString(10, "bench:" + workerId + ":" + k);
                        call.setLong(11, cw);
                        call.addBatch();
                        for (int m = 0; m < 2; m++) {
                            boolean result = m == 1;
                            conv.setString(1, workerId);
                            conv.setInt(2, 2 * k + m);
                            conv.setString(3, Times.format(t.plusSeconds(m)));
                            conv.setString(4, result ? "user" : "assistant");
                            conv.setString(5, result ? "output of the tool" : "{\"command\":\"npm test\"}");
                            conv.setString(6, result ? "tool_result" : "tool_use");
                            conv.setString(7, "Bash");
                            conv.setObject(8, result ? (r.nextInt(10) != 0) : null);
                            conv.setString(9, (result ? "tr:" : "tu:") + workerId + k);
                            conv.setString(10, "toolu_" + workerId + "_" + k);
                            conv.setObject(11, result ? (double) (50 + r.nextInt(5000)) : null);
                            conv.addBatch();
                        }
                    }
                    call.executeBatch();
                    conv.executeBatch();
                    written += n;
                    worker.setString(1, workerId);
                    worker.setString(2, taskId);
                    worker.setString(3, Times.format(start));
                    worker.setString(4, Times.format(t));
                    worker.setDouble(5, cost * 1.02);
                    worker.setString(6, Times.format(t));
                    worker.executeUpdate();
                    if (written >= calls) {
                        break;
                    }
                }
                return null;
            });
            try (Connection c = Database.openReadOnly(path, 5000); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT task_id FROM worker_sessions WHERE spawned_at >= '"
                         + Times.format(now.minus(Duration.ofDays(1))) + "' LIMIT 1")) {
                sample = rs.next() ? rs.getString(1) : "gh-1000";
            }
            db.withWriter(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
                return null;
            });
        }
        return sample;
    }
}
