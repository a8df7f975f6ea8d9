package io.taclog.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Await;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import io.taclog.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many hosts, one PostgreSQL: two {@code taclog run} processes with different host ids and different watched trees
 * write into one database at once. Per host and in total, cost by task equals what two separate SQLite ingests of the
 * same files say; a third sidecar started by mistake with a host id already writing is refused (exit 2) instead of
 * registering the same files again. On SQLite one file has one writer by construction: this is PostgreSQL's test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TwoSidecarsOnePostgresIT {

    private static final Path DEMO = Path.of("samples/tac8-demo").toAbsolutePath();
    /** Cost by task from the calls of one host's files (docs/queries.md, "PostgreSQL"). */
    private static final String COST_BY_TASK_OF_HOST = "SELECT COALESCE(w.task_id, '(unassigned)') AS task, "
            + "COUNT(*) AS calls, SUM(a.tokens_output) AS output, ROUND(SUM(a.estimated_cost_usd), 6) AS usd "
            + "FROM api_calls a JOIN worker_sessions w ON w.worker_id = a.worker_id "
            + "JOIN ingest_files f ON f.file_id = a.source_file_id %s GROUP BY 1 ORDER BY 1";

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

    @Test
    void twoHostsWritingAtOnceAddUpToTheirSeparateSqliteIngests() throws Exception {
        // host a: the transcripts of gh-601; host b: those of gh-602 and gh-603 (a run's two copies stay together)
        Path a = tree("a", "gh-601");
        Path b = tree("b", "gh-602", "gh-603");
        Path dbA = tmp.resolve("a.db");
        Path dbB = tmp.resolve("b.db");
        for (Path[] hostDb : new Path[][] {{a, dbA}, {b, dbB}}) {
            assertEquals(Main.OK, CliRun.of("backfill", "--watch", hostDb[0].toString(), "--db", hostDb[1].toString(),
                    "--no-progress").code());
        }
        long linesA = lines(dbA);
        long linesB = lines(dbB);

        Backend pg = Backend.Kind.POSTGRESQL.create(tmp, "hosts");
        assertEquals(Main.OK, CliRun.of(pg.args("migrate")).code()); // both start on a made schema
        Path log = tmp.resolve("sidecars.log");
        int metricsPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        // host a also serves its metrics: their database reads go through a small pool of PostgreSQL connections
        Process hostA = spawn(pg, a, log, "host-a", List.of("--set", "taclog.metrics.enabled=true", "--set",
                "taclog.metrics.port=" + metricsPort));
        Process hostB = spawn(pg, b, log, "host-b", List.of());
        Await.until(Duration.ofSeconds(120), () -> lines(pg, "host-a") >= linesA && lines(pg, "host-b") >= linesB,
                () -> "both sidecars commit every line (host-a " + lines(pg, "host-a") + "/" + linesA + ", host-b "
                        + lines(pg, "host-b") + "/" + linesB + "); see " + log);

        String ready = get(metricsPort, "/health/ready");
        assertTrue(ready.contains("\"database\"") && ready.contains("reachable") && ready.startsWith("200 "), ready);
        Await.until(Duration.ofSeconds(30), () -> get(metricsPort, "/metrics").contains("taclog_workers_running"),
                "the metrics read the PostgreSQL database");

        // a second sidecar of host a, by mistake: refused while the first one writes
        Process again = spawn(pg, a, log, "host-a", List.of());
        assertTrue(again.waitFor(60, TimeUnit.SECONDS), "the second sidecar of host-a exits");
        assertEquals(Main.USAGE, again.exitValue());
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("another taclog with host id 'host-a'"));

        // doctor sees both hosts' sidecars writing, each with its files and lines; its database is the URL in a
        // configuration file, as a deployment names it (samples/deploy/taclog-fleet.properties)
        Path fleet = Files.writeString(tmp.resolve("fleet.properties"), "taclog.db = " + pg.db() + "\n"
                + "taclog.db.user = " + PostgresServer.USER + "\ntaclog.db.password-file = "
                + PostgresServer.get().passwordFile(tmp) + "\n");
        CliRun doctor = CliRun.of("doctor", "--config", fleet.toString());
        assertEquals(Main.OK, doctor.code(), doctor.err());
        assertTrue(doctor.out().contains("2 (2 writing now)"), doctor.out());
        for (String[] host : new String[][] {{"host-a", Long.toString(linesA)}, {"host-b", Long.toString(linesB)}}) {
            String line = doctor.out().lines().filter(l -> l.startsWith("  " + host[0] + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(host[0] + " in " + doctor.out()));
            assertTrue(line.contains("WRITING since ") && line.contains("; " + host[1] + " lines, 0 rejected;"),
                    line);
        }

        for (Process p : List.of(hostA, hostB)) {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "graceful stop");
        }
        Await.until(Duration.ofSeconds(30), () -> CliRun.of(pg.queryArgs("doctor")).out().contains("2 (0 writing now)"),
                "doctor sees the stopped sidecars' locks released");
        assertEquals(linesA, lines(pg, "host-a"), "host-a's lines, each once");
        assertEquals(linesB, lines(pg, "host-b"), "host-b's lines, each once");

        try (Connection c = pg.connect()) {
            assertEquals(costByTask(dbA), costByTask(c, "host-a"), "host-a's cost by task");
            assertEquals(costByTask(dbB), costByTask(c, "host-b"), "host-b's cost by task");
        }
        // in total: `taclog query cost --by task` over PostgreSQL lists the rows of both SQLite answers
        List<String> expected = new ArrayList<>();
        for (Path db : List.of(dbA, dbB)) {
            expected.addAll(csvRows(CliRun.of("query", "cost", "--by", "task", "--format", "csv", "--tz", "UTC",
                    "--db", db.toString()).out()));
        }
        CliRun total = CliRun.of(pg.queryArgs("query", "cost", "--by", "task", "--format", "csv", "--tz", "UTC"));
        assertEquals(Main.OK, total.code(), total.err());
        assertEquals(expected.stream().sorted().toList(), csvRows(total.out()).stream().sorted().toList());

        // `--host` answers each host's part as its own SQLite ingest does; `--by host` one row per host
        List<String> byHost = new ArrayList<>();
        for (String[] host : new String[][] {{"host-a", dbA.toString()}, {"host-b", dbB.toString()}}) {
            CliRun own = CliRun.of("query", "cost", "--by", "task", "--format", "csv", "--tz", "UTC", "--db", host[1]);
            CliRun part = CliRun.of(pg.queryArgs("query", "cost", "--by", "task", "--host", host[0], "--format", "csv",
                    "--tz", "UTC"));
            assertEquals(Main.OK, part.code(), part.err());
            assertEquals(own.out(), part.out(), host[0] + ": query cost --by task --host");
            String whole = csvRows(CliRun.of("query", "cost", "--format", "csv", "--tz", "UTC", "--db", host[1])
                    .out()).get(0);
            byHost.add(host[0] + whole.substring(whole.indexOf(','))); // "total,..." of the host as its row
        }
        CliRun hosts = CliRun.of(pg.queryArgs("query", "cost", "--by", "host", "--format", "csv", "--tz", "UTC"));
        assertEquals(Main.OK, hosts.code(), hosts.err());
        assertEquals(byHost, csvRows(hosts.out()), "query cost --by host");
        CliRun nobody = CliRun.of(pg.queryArgs("query", "cost", "--host", "host-z", "--format", "csv"));
        assertEquals(List.of(), csvRows(nobody.out()), "a host without files has no calls");
        CliRun onSqlite = CliRun.of("query", "cost", "--host", "host-a", "--db", dbA.toString());
        assertEquals(Main.USAGE, onSqlite.code(), "SQLite knows no hosts");
        assertTrue(onSqlite.err().contains("--host"), onSqlite.err());

        // each host validates its own files against the shared database
        for (String[] host : new String[][] {{"host-a", a.toString()}, {"host-b", b.toString()}}) {
            CliRun v = CliRun.of(pg.args("validate", "--watch", host[1], "--set", "taclog.host-id=" + host[0]));
            assertEquals(Main.OK, v.code(), host[0] + ": " + v.out() + v.err());
        }
    }

    /** The status code and body of a GET on the sidecar's metrics endpoint. */
    private static String get(int port, String path) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return "unreachable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private Process spawn(Backend pg, Path watch, Path log, String host, List<String> extra) throws IOException {
        Process p = EngineOnBothBackendsIT.start(pg, watch, log, host, extra);
        children.add(p);
        return p;
    }

    /** A host's tree: the demo's transcripts of {@code tasks} (their stream-json logs and session files). */
    private Path tree(String host, String... tasks) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("host-" + host));
        for (String task : tasks) {
            Files.createDirectories(root.resolve("logs"));
            Files.copy(DEMO.resolve("logs/" + task + ".jsonl"), root.resolve("logs/" + task + ".jsonl"));
            Path projects = DEMO.resolve("projects/-home-demo-orbit-trees-" + task);
            try (Stream<Path> files = Files.walk(projects)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path to = root.resolve("projects").resolve(DEMO.resolve("projects").relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
            }
        }
        return root;
    }

    private static long lines(Path sqlite) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite)) {
            return EngineOnBothBackendsIT.scalar(c, "SELECT SUM(lines_read) FROM ingest_ledger");
        }
    }

    private static long lines(Backend pg, String host) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(l.lines_read), "
                + "0) FROM ingest_ledger l JOIN ingest_files f ON f.file_id = l.file_id WHERE f.host_id = ?")) {
            ps.setString(1, host);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return 0; // the schema is not there yet
        }
    }

    private static TreeMap<String, String> costByTask(Path sqlite) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             PreparedStatement ps = c.prepareStatement(COST_BY_TASK_OF_HOST.formatted(""))) {
            return rows(ps);
        }
    }

    private static TreeMap<String, String> costByTask(Connection pg, String host) throws SQLException {
        try (PreparedStatement ps = pg.prepareStatement(COST_BY_TASK_OF_HOST.formatted("WHERE f.host_id = ?"))) {
            ps.setString(1, host);
            return rows(ps);
        }
    }

    private static TreeMap<String, String> rows(PreparedStatement ps) throws SQLException {
        TreeMap<String, String> m = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2) + " calls, " + rs.getLong(3) + " output tokens, $"
                        + String.format(Locale.ROOT, "%.6f", rs.getDouble(4)));
            }
        }
        return m;
    }

    private static List<String> csvRows(String csv) {
        List<String> rows = new ArrayList<>(csv.lines().filter(l -> !l.isBlank()).toList());
        rows.remove(0); // the header
        return rows;
    }
}
