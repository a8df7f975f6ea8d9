package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Await;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A first backfill builds its database under a temporary name and publishes it when it ends: the result is the
 * same database a write-ahead-logged load makes, a crash (SIGKILL) leaves nothing under the real name, and the
 * next backfill discards the unfinished file and loads everything exactly once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FreshLoadIT {

    /** What two loads of the same files must agree on. */
    private static final String[] FACTS = {
        "SELECT COUNT(*) FROM ingest_files", "SELECT COUNT(*) FROM ingest_skips", "SELECT COUNT(*) FROM tasks",
        "SELECT COUNT(*) FROM worker_sessions", "SELECT COUNT(*) FROM conversations", "SELECT COUNT(*) FROM api_calls",
        "SELECT COALESCE(SUM(tokens_input + tokens_output + tokens_cached_read + tokens_cached_write), 0) FROM api_calls",
        "SELECT COALESCE(SUM(length(content)), 0) FROM conversations",
        "SELECT COUNT(*) FROM ingest_rejects"};

    @TempDir
    Path tmp;
    Path watch;

    @BeforeEach
    void realTranscriptsInThreeProjectFolders() throws IOException {
        watch = Files.createDirectories(tmp.resolve("projects"));
        Path samples = Path.of("src/test/resources/samples");
        for (String kind : new String[] {"claude-transcript", "claude-stream-json", "codex-rollout"}) {
            for (int copy = 0; copy < 3; copy++) {
                Path to = Files.createDirectories(watch.resolve(kind + "-" + copy));
                try (Stream<Path> files = Files.list(samples.resolve(kind))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                        Files.copy(f, to.resolve(f.getFileName()));
                    }
                }
            }
        }
    }

    private static int taclog(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (code != Main.OK) {
            System.out.println(out.toString(StandardCharsets.UTF_8));
        }
        return code;
    }

    private int backfill(Path db, String... extra) {
        List<String> args = new ArrayList<>(List.of("backfill", "--db", db.toString(), "--watch", watch.toString(),
                "--no-progress"));
        args.addAll(List.of(extra));
        return taclog(args.toArray(String[]::new));
    }

    private static Map<String, Long> facts(Path db) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String q : FACTS) {
            out.put(q, Sql.scalar(db, q));
        }
        return out;
    }

    private Map<String, Long> reference() {
        Path ref = tmp.resolve("reference.db");
        assertEquals(Main.OK, backfill(ref, "--set", "taclog.backfill.fresh-load=false"));
        assertFalse(Files.exists(FreshLoad.loadingPath(ref)), "the logged load never uses a loading file");
        return facts(ref);
    }

    private static String pragma(Path db, String name) {
        return (String) Sql.rows(db, "PRAGMA " + name).get(0).values().iterator().next();
    }

    @Test
    void aFirstLoadIsTheSameDatabaseAsALoggedOneAndIsPublishedInWalMode() {
        Map<String, Long> expected = reference();
        assertTrue(expected.get(FACTS[5]) > 0, "the samples have API calls: " + expected);
        Path db = tmp.resolve("fresh.db");
        assertEquals(Main.OK, backfill(db));
        assertTrue(Files.isRegularFile(db));
        assertFalse(Files.exists(FreshLoad.loadingPath(db)), "the loading name is gone after the publish");
        assertEquals("wal", pragma(db, "journal_mode"), "published like every other taclog database");
        assertEquals("ok", pragma(db, "integrity_check"));
        assertEquals(expected, facts(db));
        assertEquals(Main.OK, taclog("validate", "--db", db.toString(), "--watch", watch.toString()));
        // the next backfill of the same files appends nothing, through the ordinary logged path
        assertEquals(Main.OK, backfill(db));
        assertFalse(Files.exists(FreshLoad.loadingPath(db)), "an existing database is loaded in place");
        assertEquals(expected, facts(db));
    }

    @Test
    void aLoadKilledMidwayLeavesNoDatabaseAndTheNextBackfillRedoesItExactlyOnce() throws Exception {
        Map<String, Long> expected = reference();
        long referenceBytes = Files.size(tmp.resolve("reference.db"));
        Path db = tmp.resolve("killed.db");
        Path loading = FreshLoad.loadingPath(db);
        Path built = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(built), "the packaged jar " + built + " (run after `package`)");
        Path log = tmp.resolve("backfill.log");
        // small batches: many commits, so the kill lands while the file grows
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", built.toString(), "backfill", "--db", db.toString(), "--watch", watch.toString(),
                "--no-progress", "--set", "taclog.batch.max-bytes=4096", "--set", "taclog.writer.queue=1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Await.until(Duration.ofSeconds(60), () -> size(loading) > referenceBytes / 4 || !p.isAlive(),
                    "the load to write a quarter of its database");
            assertTrue(p.isAlive(), "the load ended before it could be killed; see " + log);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no publish
        }
        assertFalse(Files.exists(db), "nothing appears under the real name before the load ends");
        assertTrue(Files.exists(loading), "the unfinished load stays behind");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Main.FAILURE, Main.run(new String[] {"query", "sessions", "--db", db.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("a first backfill is building it"), out.toString());

        assertEquals(Main.OK, backfill(db));
        assertFalse(Files.exists(loading));
        assertEquals(expected, facts(db), "every line once: the unfinished file was discarded, not continued");
        assertEquals(Main.OK, taclog("validate", "--db", db.toString(), "--watch", watch.toString()));
    }

    @Test
    void aLoadingFileAnotherProcessStillWritesIsLeftAloneAndTheBackfillRefuses() throws Exception {
        Path db = tmp.resolve("busy.db");
        Path loading = FreshLoad.loadingPath(db);
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
        try (Connection other = cfg.createConnection("jdbc:sqlite:" + loading);
             Statement s = other.createStatement()) {
            s.execute("CREATE TABLE t(x)"); // the exclusive lock is held from the first write on
            byte[] before = Files.readAllBytes(loading);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"backfill", "--db", db.toString(), "--watch", watch.toString(),
                "--no-progress"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(Main.FAILURE, code);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("another backfill is loading"), out.toString());
            assertArrayEquals(before, Files.readAllBytes(loading), "the other load's file is untouched");
            assertFalse(Files.exists(db));
        }
    }

    @Test
    void aLeftoverThatIsNotEvenADatabaseIsDiscarded() throws Exception {
        Map<String, Long> expected = reference();
        Path db = tmp.resolve("garbage.db");
        Files.write(FreshLoad.loadingPath(db), "half a page of something".getBytes(StandardCharsets.UTF_8));
        assertEquals(Main.OK, backfill(db));
        assertEquals(expected, facts(db));
    }

    @Test
    void aDatabaseThatAppearedDuringTheLoadIsNeverReplaced() throws Exception {
        Path db = tmp.resolve("raced.db");
        Path loading = FreshLoad.loadingPath(db);
        try (Database d = Database.open(loading, DatabaseSettings.defaults())) {
            d.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE loaded(x)");
                }
                return null;
            });
        }
        Files.writeString(db, "someone else's file");
        SQLException e = assertThrows(SQLException.class, () -> FreshLoad.publish(loading, db));
        assertTrue(e.getMessage().contains("appeared while the first load ran"), e.getMessage());
        assertEquals("someone else's file", Files.readString(db));
        assertTrue(Files.exists(loading), "the load is kept for the user to look at");
    }

    @Test
    void aStrayWriteAheadLogOfThatNameMeansNoFreshLoad() throws Exception {
        Path db = tmp.resolve("stray.db");
        Files.writeString(db.resolveSibling("stray.db-wal"), "");
        assertFalse(FreshLoad.possible(db), "a new file must not meet an old log of its name: load in place");
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
