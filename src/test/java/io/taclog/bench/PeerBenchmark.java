package io.taclog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * taclog against the tools users compare it with, on the same files in one run: ccusage 20 (native binary)
 * and ccusage 18 (JavaScript) read a {@code ~/.claude/projects} tree and print daily totals; taclog loads the
 * same tree into SQLite (JVM start, migrations and full persistence included) and then answers from the
 * database. Prints wall time, MB/s, files/s, peak RSS and the ratios to both peers, checks that tokens and
 * cost equal ccusage 20's and that {@code taclog validate} passes, times every query command, and measures
 * the per-file cost at several corpus sizes. Not a test.
 *
 * <pre>
 * mvn -q -DskipTests package test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.taclog.bench.PeerBenchmark -Dexec.args="--mb 200,600"
 * </pre>
 *
 * Options: {@code --work DIR} (corpora, peers and databases, reused across runs; default target/bench),
 * {@code --mb LIST} corpus sizes, {@code --rounds N} runs of each backfill (default 3), {@code --query-runs N}
 * (default 10), {@code --files LIST} corpus sizes in files for the per-file cost (default 1000,5000,20000;
 * {@code none} to skip), {@code --ccusage18 false} to skip the slow JavaScript peer.
 */
public final class PeerBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Path launcher;
    private final Path samples;
    private final int rounds;
    private final int queryRuns;
    private final Peers peers;
    private final StringBuilder report = new StringBuilder();

    private PeerBenchmark(Map<String, String> a) throws IOException {
        this.work = Files.createDirectories(Path.of(a.getOrDefault("--work", "target/bench")).toAbsolutePath());
        this.launcher = Path.of(a.getOrDefault("--launcher", "bin/taclog")).toAbsolutePath();
        this.samples = Path.of(a.getOrDefault("--samples", "src/test/resources/samples/claude-transcript"));
        this.rounds = Integer.parseInt(a.getOrDefault("--rounds", "3"));
        this.queryRuns = Integer.parseInt(a.getOrDefault("--query-runs", "10"));
        this.peers = new Peers(work.resolve("peers"), !"false".equals(a.getOrDefault("--ccusage18", "true")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        PeerBenchmark b = new PeerBenchmark(a);
        b.line("# taclog and its peers, " + java.time.LocalDate.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        b.peers.install();
        List<Integer> sizes = Arrays.stream(a.getOrDefault("--mb", "200").split(",")).map(Integer::parseInt).toList();
        for (int mb : sizes) {
            b.compare(mb);
        }
        String files = a.getOrDefault("--files", "1000,5000,20000");
        if (!files.equals("none")) {
            b.perFile(Arrays.stream(files.split(",")).map(Integer::parseInt).toList());
        }
        Files.writeString(b.work.resolve("report.md"), b.report.toString(), StandardCharsets.UTF_8);
        System.out.println("report: " + b.work.resolve("report.md"));
    }

    /** One corpus size: backfill against both peers, totals, validate, then every query command. */
    private void compare(int mb) throws Exception {
        Corpus corpus = Corpus.of(work, samples, mb * 1_000_000L, Integer.MAX_VALUE);
        line("");
        line(String.format(Locale.ROOT, "## %d MB corpus: %,d session files, %,d lines, %.1f MB in %d project folders",
                mb, corpus.files(), corpus.lines(), corpus.bytes() / 1e6, corpus.projectFolders()));
        Path db = work.resolve("taclog-" + mb + "mb.db");
        List<Run> taclog = new ArrayList<>();
        List<Run> cc20 = new ArrayList<>();
        List<Run> cc18 = new ArrayList<>();
        for (int r = 0; r < rounds; r++) { // interleaved, so that a slow minute of the machine hits all alike
            cc20.add(Run.of(peers.ccusage20(), corpus.home(), work.resolve("ccusage20.json")));
            if (peers.hasCcusage18() && r == 0) {
                cc18.add(Run.of(peers.ccusage18(), corpus.home(), work.resolve("ccusage18.json")));
            }
            deleteDatabase(db);
            taclog.add(Run.of(List.of(launcher.toString(), "backfill", "--db", db.toString(), "--watch",
                    corpus.projects().toString(), "--no-progress"), null, work.resolve("backfill.txt")));
        }
        line("");
        line("| tool | wall time (runs) | MB/s | files/s | peak RSS |");
        line("| --- | --- | --- | --- | --- |");
        row("ccusage 20.0.24 `daily --offline --json` (native)", cc20, corpus);
        if (!cc18.isEmpty()) {
            row("ccusage 18.0.11 `daily --offline --json` (JavaScript)", cc18, corpus);
        }
        row("`taclog backfill` (bin/taclog, full persistence)", taclog, corpus);
        double t = Run.median(taclog);
        line("");
        line(String.format(Locale.ROOT, "taclog backfill / ccusage 20: **%.1fx**%s", t / Run.median(cc20),
                cc18.isEmpty() ? "" : String.format(Locale.ROOT, "; taclog backfill / ccusage 18: **%.2fx**",
                        t / Run.median(cc18))));
        totals(db);
        Run validate = Run.of(List.of(launcher.toString(), "validate", "--db", db.toString(), "--watch",
                corpus.projects().toString()), null, work.resolve("validate.txt"));
        line("`taclog validate`: " + (validate.exit() == 0 ? "OK" : "FAILED (exit " + validate.exit() + ")")
                + String.format(Locale.ROOT, " in %.2f s", validate.seconds()));
        queries(db, Run.median(cc20));
    }

    private void totals(Path db) throws Exception {
        JsonNode cc = JSON.readTree(work.resolve("ccusage20.json").toFile()).get("totals");
        Run q = Run.of(List.of(launcher.toString(), "query", "cost", "--format", "json", "--db", db.toString()), null,
                work.resolve("cost.json"));
        JsonNode t = JSON.readTree(work.resolve("cost.json").toFile()).get("total");
        if (q.exit() != 0 || t == null) {
            line("taclog query cost failed: exit " + q.exit());
            return;
        }
        String[][] pairs = {{"inputTokens", "tokens_input"}, {"outputTokens", "tokens_output"},
            {"cacheReadTokens", "tokens_cache_read"}, {"cacheCreationTokens", "tokens_cache_write"}};
        line("");
        line("| figure | ccusage 20 | taclog | equal |");
        line("| --- | --- | --- | --- |");
        for (String[] p : pairs) {
            long a = cc.get(p[0]).asLong();
            long b = t.get(p[1]).asLong();
            line(String.format(Locale.ROOT, "| %s | %,d | %,d | %s |", p[1], a, b, a == b ? "yes" : "**no**"));
        }
        double a = cc.get("totalCost").asDouble();
        double b = t.get("cost_usd").asDouble();
        line(String.format(Locale.ROOT, "| cost (USD) | %.6f | %.6f | %s |", a, b,
                Math.abs(a - b) < 0.5e-6 ? "yes (to the micro-dollar)" : String.format(Locale.ROOT, "**no** (%.6f)",
                        b - a)));
    }

    /** Every query command, end to end as a user runs it, against ccusage 20 re-reading the files. */
    private void queries(Path db, double ccusage) throws Exception {
        String d = db.toString();
        List<List<String>> commands = List.of(
                List.of("query", "cost", "--by", "day", "--format", "json", "--db", d),
                List.of("query", "cost", "--by", "task", "--db", d),
                List.of("query", "cost", "--today", "--by", "model", "--db", d),
                List.of("query", "sessions", "--db", d),
                List.of("query", "workers", "--active", "--db", d),
                List.of("query", "decisions", "--slow", "--db", d),
                List.of("query", "errors", "--db", d),
                List.of("query", "tools", "--db", d),
                List.of("query", "task", firstTask(db), "--full", "--db", d));
        line("");
        line(String.format(Locale.ROOT, "| command (%d runs each) | median | p95 | / ccusage 20 (%.2f s) |",
                queryRuns, ccusage));
        line("| --- | --- | --- | --- |");
        for (List<String> c : commands) {
            List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
            cmd.addAll(c);
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < queryRuns; i++) {
                runs.add(Run.of(cmd, null, work.resolve("query.txt")));
            }
            double median = Run.median(runs);
            line(String.format(Locale.ROOT, "| `taclog %s` | %.3f s | %.3f s | %.2fx |",
                    String.join(" ", c).replace(" --db " + d, ""), median, Run.percentile(runs, 95), median / ccusage));
        }
    }

    /** A task to ask about: the first one stored, else (a corpus of unassigned transcripts) the first worker. */
    private static String firstTask(Path db) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT COALESCE((SELECT MIN(task_id) FROM tasks), "
                     + "(SELECT MIN(worker_id) FROM worker_sessions), 'none')")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    /** The cost of a file at several corpus sizes: a backfill should cost the same per file at any size. */
    private void perFile(List<Integer> counts) throws Exception {
        line("");
        line("## Per-file cost (same file shape, growing file count)");
        line("");
        line("| files | MB | backfill wall time | per file | / per file at the smallest |");
        line("| --- | --- | --- | --- | --- |");
        double first = 0;
        for (int n : counts) {
            Corpus c = Corpus.of(work, samples, Long.MAX_VALUE, n);
            Path db = work.resolve("taclog-" + n + "files.db");
            deleteDatabase(db);
            Run r = Run.of(List.of(launcher.toString(), "backfill", "--db", db.toString(), "--watch",
                    c.projects().toString(), "--no-progress"), null, work.resolve("backfill.txt"));
            double perFile = r.seconds() / c.files() * 1000;
            if (first == 0) {
                first = perFile;
            }
            line(String.format(Locale.ROOT, "| %,d | %.0f | %.2f s | %.3f ms | %.2fx |", c.files(), c.bytes() / 1e6,
                    r.seconds(), perFile, perFile / first));
        }
    }

    private void row(String tool, List<Run> runs, Corpus c) {
        double m = Run.median(runs);
        StringBuilder all = new StringBuilder();
        for (Run r : runs) {
            all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r.seconds()));
        }
        line(String.format(Locale.ROOT, "| %s | **%.2f s** (%s) | %.0f | %,.0f | %.0f MB |", tool, m, all,
                c.bytes() / 1e6 / m, c.files() / m, runs.stream().mapToLong(Run::peakRssKb).max().orElse(0) / 1024.0));
        if (runs.stream().anyMatch(r -> r.exit() != 0)) {
            line("| (a run of it failed: see " + work + ") | | | | |");
        }
    }

    private static void deleteDatabase(Path db) throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    private void line(String s) {
        report.append(s).append('\n');
        System.out.println(s);
    }
}
