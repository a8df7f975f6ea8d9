package io.taclog.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Await;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import io.taclog.testing.Jsonl;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine guarantees a server back end must keep, run the same way on SQLite and on a real PostgreSQL (started
 * from Maven, {@link io.taclog.testing.PostgresServer}): the demo answers every question as a SQLite ingest does and
 * a second run doubles nothing; a {@code taclog run} killed with SIGKILL mid-batch again and again loses and doubles
 * no line; {@code taclog validate} proves the ledger against the raw files after each. Two sidecars of two hosts
 * writing into one PostgreSQL at once: {@link TwoSidecarsOnePostgresIT}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class EngineOnBothBackendsIT {

    private static final Path DEMO_CONFIG = Path.of("samples/taclog.properties").toAbsolutePath();
    private static final List<List<String>> QUESTIONS = List.of(List.of("cost", "--by", "task"),
            List.of("cost", "--by", "day"), List.of("cost", "--by", "model"), List.of("cost", "--by", "worker"), List.of("sessions"),
            List.of("workers", "--active"), List.of("workers", "--failed"), List.of("errors"), List.of("tools"),
            List.of("decisions", "--task", "gh-603"), List.of("decisions", "--slow"),
            List.of("task", "gh-601", "--full"), List.of("task", "gh-602", "--full"),
            List.of("task", "gh-603", "--full"));

    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void theDemoAnswersAsASqliteIngestAndASecondRunDoublesNothing(Backend.Kind kind) throws Exception {
        Path reference = tmp.resolve("reference.db");
        assertEquals(Main.OK, CliRun.of("backfill", "--config", DEMO_CONFIG.toString(), "--db", reference.toString(),
                "--no-progress").code());
        Backend backend = kind.create(tmp, "demo");
        for (int run = 1; run <= 2; run++) { // the second run: a restart over the same files
            CliRun r = CliRun.of(backend.args("backfill", "--config", DEMO_CONFIG.toString(), "--no-progress"));
            assertEquals(Main.OK, r.code(), "backfill " + run + " into " + backend + ": " + r.err());
            Map<String, Long> expected = rowCounts(reference);
            assertEquals(expected, rowCounts(backend, List.copyOf(expected.keySet())), "rows per table after run "
                    + run);
        }
        for (List<String> q : QUESTIONS) {
            List<String> args = new ArrayList<>(List.of("query"));
            args.addAll(q);
            args.addAll(List.of("--format", "csv", "--tz", "UTC"));
            CliRun expected = CliRun.of(concat(args, "--db", reference.toString()));
            CliRun actual = CliRun.of(backend.queryArgs(args.toArray(String[]::new)));
            assertEquals(Main.OK, actual.code(), actual.err());
            assertEquals(expected.out(), actual.out(), "taclog query " + String.join(" ", q) + " on " + backend);
        }
        CliRun v = CliRun.of(backend.args("validate", "--config", DEMO_CONFIG.toString()));
        assertEquals(Main.OK, v.code(), "validate on " + backend + ": " + v.out() + v.err());
        try (Connection expected = java.sql.DriverManager.getConnection("jdbc:sqlite:" + reference);
             Connection actual = backend.connect()) {
            // the JSON a writer builds reads the same, byte for byte (the demo's spawn loop included): PostgreSQL's
            // own JSON functions print spaces, so no writer may leave a JSON column to them. Not a re-pairing's
            // event: its linked_before is the ingest's own path, which the order of two sources' commits decides
            // (the interleaving differs with the back end's commit speed)
            List<String> events = texts(expected, EVENT_DETAILS);
            assertTrue(events.stream().anyMatch(e -> e.startsWith("spawn_loop ")), "the demo has a spawn loop");
            assertEquals(events, texts(actual, EVENT_DETAILS), "system_events details on " + backend);
        }
        if (kind == Backend.Kind.POSTGRESQL) {
            seedQueriesRunOnPostgres(backend);
        }
    }

    private static final String EVENT_DETAILS = "SELECT event_type || ' ' || COALESCE(source_key, '') || ' ' || "
            + "COALESCE(details, '') FROM system_events WHERE event_type <> 'workers_relinked' "
            + "ORDER BY event_type, source_key, details";

    private static List<String> texts(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Every statement of docs/queries.md runs on the PostgreSQL demo database (placeholders as NULL): the seed's
     * queries as written, except the three the page gives a PostgreSQL form of (run in that form) and the split
     * layout's, which are SQLite's only.
     */
    private static void seedQueriesRunOnPostgres(Backend backend) throws Exception {
        String doc = Files.readString(Path.of("docs/queries.md"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(doc);
        List<String> sqliteForms = List.of("tool_success = FALSE", "HAVING creates + removes > 2",
                "LEFT JOIN tasks t ON t.task_id = ws.task_id\nGROUP BY 1\n", "conversations.conversations");
        int ran = 0;
        try (Connection c = io.taclog.sink.dialect.PostgresConnections.wrap(backend.connect())) {
            while (m.find()) {
                String sql = m.group(1);
                if (sqliteForms.stream().anyMatch(sql::contains)) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute(io.taclog.sink.dialect.PostgresSql.translate(sql).sql().replace("?", "NULL"));
                    ran++;
                } catch (SQLException e) {
                    throw new AssertionError("docs/queries.md on PostgreSQL: " + sql + "\n" + e.getMessage(), e);
                }
            }
        }
        assertTrue(ran >= 40, "statements run: " + ran);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void aSidecarKilledMidBatchAgainAndAgainLosesAndDoublesNothing(Backend.Kind kind) throws Exception {
        Backend backend = kind.create(tmp, "crash");
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path log = tmp.resolve("sidecar.log");
        int files = 8;
        int lines = 8_000;
        Random rnd = new Random(Long.getLong("taclog.crash.seed", 20261203L));
        List<LogWriter> writers = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            writers.add(LogWriter.append(watch.resolve("w" + i + ".jsonl"), "w" + i));
        }
        long[] seq = new long[files];
        int written = 0;
        try {
            for (int kill = 0; kill < 4; kill++) {
                Process p = spawn(backend, watch, log);
                // write a slice while it runs, and kill it once it has committed some of the slice: mid-ingest
                int slice = lines / 5;
                for (int n = 0; n < slice; n++, written++) {
                    int f = rnd.nextInt(files);
                    int size = rnd.nextInt(100) < 8 ? 10_000 + rnd.nextInt(20_000) : 200 + rnd.nextInt(1_800);
                    writers.get(f).raw(Jsonl.line("w" + f, seq[f]++, size));
                }
                long target = committed(backend) + 1 + rnd.nextInt(slice / 2);
                int before = written;
                Await.until(Duration.ofSeconds(90), () -> committed(backend) >= Math.min(target, before),
                        () -> "the sidecar commits " + target + " lines (committed " + committed(backend) + "); see "
                                + log);
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            for (int n = written; n < lines; n++, written++) {
                int f = rnd.nextInt(files);
                writers.get(f).raw(Jsonl.line("w" + f, seq[f]++, 200 + rnd.nextInt(1_800)));
            }
        } finally {
            writers.forEach(LogWriter::close);
        }
        Process last = spawn(backend, watch, log);
        long all = written;
        Await.until(Duration.ofSeconds(120), () -> committed(backend) >= all,
                () -> "the ledger holds all " + all + " lines (it holds " + committed(backend) + "); see " + log);
        last.destroy(); // SIGTERM: a graceful stop
        assertTrue(last.waitFor(60, TimeUnit.SECONDS), "graceful stop");

        assertEquals(all, committed(backend), "every line written is in the ledger exactly once");
        try (Connection c = backend.connect()) {
            assertEquals(0, scalar(c, "SELECT COUNT(*) FROM (SELECT start_offset, LAG(end_offset) OVER (PARTITION BY "
                    + "file_id ORDER BY start_offset) AS prev FROM ingest_commits) r WHERE prev IS NOT NULL AND "
                    + "prev <> start_offset"), "the committed ranges of each file are contiguous");
            assertEquals(files, scalar(c, "SELECT COUNT(*) FROM ingest_files WHERE state <> 'superseded'"));
            for (int i = 0; i < files; i++) {
                Path p = watch.resolve("w" + i + ".jsonl");
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT committed_offset FROM ingest_files WHERE path = ? AND state <> 'superseded'")) {
                    ps.setString(1, p.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next(), p + " is registered");
                        assertEquals(Files.size(p), rs.getLong(1), p + " is committed to its end");
                    }
                }
            }
        }
        CliRun v = CliRun.of(backend.args("validate", "--watch", watch.toString(), "--set",
                "taclog.host-id=crash-host"));
        assertEquals(Main.OK, v.code(), "validate on " + backend + ": " + v.out() + v.err());
    }

    /** A child {@code taclog run} of the packaged jar (credentials from its environment, as a deployment has). */
    static Process start(Backend backend, Path watch, Path log, String hostId, List<String> extra) throws IOException {
        Path jar = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged jar " + jar + " (run after `package`)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run",
                "--db", backend.db(), "--watch", watch.toString(), "--set", "taclog.host-id=" + hostId,
                "--set", "taclog.batch.max-wait-ms=50", "--set", "taclog.scan-interval-ms=100"));
        cmd.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(backend.env());
        pb.environment().put("TACLOG_LOG_LEVEL", "INFO");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "=== start " + hostId + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return pb.start();
    }

    private Process spawn(Backend backend, Path watch, Path log) throws IOException {
        Process p = start(backend, watch, log, "crash-host", List.of());
        children.add(p);
        return p;
    }

    /** Lines in the ledger (0 before the sidecar made its schema). */
    static long committed(Backend backend) {
        try (Connection c = backend.connect()) {
            return scalar(c, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
        } catch (SQLException e) {
            return 0;
        }
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of every table of the SQLite schema (the full-text index aside: SQLite-only). */
    private static Map<String, Long> rowCounts(Path sqlite) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
            return rowCounts(c, tables(c));
        }
    }

    private static Map<String, Long> rowCounts(Backend backend, List<String> tables) throws SQLException {
        try (Connection c = backend.connect()) {
            return rowCounts(c, tables);
        }
    }

    private static List<String> tables(Connection sqlite) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master "
                + "WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'conversation_search%' "
                + "ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Map<String, Long> rowCounts(Connection c, List<String> tables) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        for (String t : tables) {
            m.put(t, scalar(c, "SELECT COUNT(*) FROM " + t));
        }
        return m;
    }

    private static String[] concat(List<String> a, String... more) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }
}
