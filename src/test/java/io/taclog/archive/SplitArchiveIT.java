package io.taclog.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.cli.Main;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import io.taclog.testing.Fingerprint;
import io.taclog.testing.QueryAnswers;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Monthly archives of a database in the split layout (docs/storage.md): the archive corpus moved into two files, its
 * months archived, and every query with --include-archives answers as it did before; a run stopped at any step, or
 * killed between the two files' commits of its delete, is finished by the next run; and it is refused while the
 * conversations file is away or content waits in the spool.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SplitArchiveIT {

    /** {@code CrashBetweenCommits}: the test hook that stops a process between the two files' commits. */
    private static final String HALT_PROPERTY = "taclog.test.halt-between-commits";
    private static final String HALT_MARKER = "TACLOG-TEST: between the two commits";

    static final ArchiveMonth JAN = ArchiveMonth.parse("2026-01");

    @TempDir
    static Path reference;
    static List<String> tasks;
    /** A few answers that read every kind of archived row, before any archive. */
    static Map<String, JsonNode> answersBefore;
    /** The per-table checksums of an uninterrupted archive of January of the split database. */
    static JsonNode cleanTables;

    @TempDir
    Path tmp;
    Process process;

    @BeforeAll
    static void archiveOnceWithoutInterruption() {
        Path db = split(reference);
        tasks = QueryAnswers.tasks(db);
        answersBefore = subset(db, false);
        CliRun r = CliRun.of("archive", "--month", JAN.toString(), "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.err());
        cleanTables = QueryAnswers.json(r.out()).get("tables");
    }

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A private copy of the archive corpus moved into the split layout, its search index built. */
    static Path split(Path dir) {
        Path db = ArchiveCorpus.copyTo(dir);
        try {
            Path file = Files.createDirectories(dir.resolve("disk2")).resolve("conversations.db");
            CliRun migrate = CliRun.of("migrate", "--db", db.toString(), "--set", "taclog.db.conversations=" + file);
            assertEquals(Main.OK, migrate.code(), migrate.err());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CliRun index = CliRun.of("search-index", "--db", db.toString());
        assertEquals(Main.OK, index.code(), index.err());
        assertTrue(Sql.scalar(db, "SELECT indexed_rows FROM search_index_state") > 0);
        return db;
    }

    static Map<String, JsonNode> subset(Path db, boolean includeArchives) {
        Map<String, JsonNode> all = QueryAnswers.of(db, includeArchives, tasks);
        return Map.of("cost-day", all.get("cost --by day --tz UTC"), "cost-task", all.get("cost --by task --tz UTC"),
                "cost-model", all.get("cost --by model --tz UTC"), "sessions", all.get("sessions --since 2000-01-01"),
                "tools", all.get("tools"), "task", all.get("task gh-603 --full"),
                "errors", all.get("errors --warnings"));
    }

    static long rows(Path db, String table, String month) {
        return Sql.scalar(db, "SELECT COUNT(*) FROM " + table + " WHERE substr(timestamp, 1, 7) = ?", month);
    }

    static long mainSeq(Path db) {
        return Sql.scalar(db, "SELECT seq FROM main.conversations_link");
    }

    static long fileSeq(Path db) {
        return Sql.scalar(db, "SELECT seq FROM conversations.conversations_file");
    }

    /** Both files at one commit, the search index sound and without the tokens of deleted rows, validate OK. */
    static void assertWhole(Path db) {
        assertEquals(mainSeq(db), fileSeq(db), "both files at the same commit");
        Sql.exec(db, "INSERT INTO conversations.conversation_search(conversation_search) VALUES ('integrity-check')");
        CliRun status = CliRun.of("search-index", "--status", "--db", db.toString());
        assertTrue(status.out().contains("0 rows deleted since they were indexed"), status.out());
        List<String> validate = new ArrayList<>(List.of("validate", "--db", db.toString()));
        validate.addAll(ArchiveCorpus.sources());
        CliRun v = CliRun.of(validate.toArray(String[]::new));
        assertEquals(Main.OK, v.code(), v.out() + v.err());
    }

    @Test
    void aSplitDatabaseArchivesItsMonthsAndAnswersEveryQueryAsBefore() {
        Path db = split(tmp);
        Map<String, JsonNode> before = QueryAnswers.of(db, false, tasks);
        long janConversations = rows(db, "conversations.conversations", "2026-01");
        assertTrue(janConversations > 0 && rows(db, "api_calls", "2026-01") > 0);
        for (String month : List.of("2026-01", "2025-12", "2026-02")) {
            CliRun r = CliRun.of("archive", "--db", db.toString(), "--month", month);
            assertEquals(Main.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("archived " + month), r.out());
        }
        assertEquals(0, rows(db, "conversations.conversations", "2026-01"), "left the conversations file");
        assertEquals(0, rows(db, "api_calls", "2026-01"));
        Path archive = tmp.resolve("archive/logs-2026-01.db");
        assertTrue(rows(archive, "main.conversations", "2026-01") > 0, "the archive holds them in its own main file");
        assertEquals(0, Sql.scalar(archive, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversations_link'"),
                "an archive is a single-file database");

        QueryAnswers.assertSame(before, QueryAnswers.of(db, true, tasks));
        assertWhole(db);

        Map<String, String> files = Fingerprint.of(tmp);
        CliRun again = CliRun.of("archive", "--db", db.toString(), "--month", "2026-01");
        assertEquals(Main.OK, again.code(), again.err());
        assertTrue(again.out().contains("2026-01 is already archived"), again.out());
        assertEquals(files, Fingerprint.of(tmp), "running it again wrote nothing");

        // with the conversations file away, queries over the archives answer from what they can read, and say so
        Path disk = tmp.resolve("disk2");
        try {
            Files.move(disk, tmp.resolve("disk2-aside"));
            for (String query : List.of("cost", "tools")) {
                CliRun r = CliRun.of("query", query, "--db", db.toString(), "--include-archives");
                assertEquals(Main.OK, r.code(), query + ": " + r.err());
                assertTrue(r.err().contains("cannot be read (its disk is away?)"), r.err());
            }
            CliRun cost = CliRun.of("query", "cost", "--db", db.toString(), "--include-archives", "--format", "json",
                    "--tz", "UTC");
            QueryAnswers.assertSame(Map.of("cost", before.get("cost --by none --tz UTC")),
                    Map.of("cost", QueryAnswers.json(cost.out())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Archiver.Step.class)
    void aRunStoppedAtAnyStepIsFinishedByTheNextOne(Archiver.Step step) throws Exception {
        Path db = split(tmp);
        long jan = rows(db, "conversations.conversations", "2026-01");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Archiver a = new Archiver(d, tmp.resolve("archive"), 5000, Clock.systemUTC(), (s, m) -> {
                if (s == step) {
                    throw new ArchiveCrashIT.Crash(step);
                }
            });
            assertThrows(ArchiveCrashIT.Crash.class, () -> a.archive(JAN));
        }
        assertEquals(step == Archiver.Step.DELETED ? 0 : jan, rows(db, "conversations.conversations", "2026-01"),
                "nothing leaves the conversations file before the delete commits");
        CliRun r = CliRun.of("archive", "--month", "2026-01", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        JsonNode o = QueryAnswers.json(r.out());
        assertEquals(step != Archiver.Step.DELETED, o.get("archived_now").asBoolean());
        assertEquals(cleanTables, o.get("tables"), "the same rows as an uninterrupted run");
        assertEquals(0, rows(db, "conversations.conversations", "2026-01"));
        QueryAnswers.assertSame(answersBefore, subset(db, true));
        assertEquals(mainSeq(db), fileSeq(db));
    }

    @Test
    void aKillBetweenTheTwoCommitsOfTheDeleteNeitherLosesNorDoublesARow() throws Exception {
        Path db = split(tmp);
        long jan = rows(db, "conversations.conversations", "2026-01");
        Path log = tmp.resolve("child.log");
        Path jar = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged jar " + jar + " (run after `package`)");
        // the delete is the archive's first commit that changes conversation rows
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-D" + HALT_PROPERTY + "=1", "-jar",
                jar.toString(), "archive", "--month", "2026-01", "--db", db.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        process = pb.start();
        Await.until(Duration.ofSeconds(90), () -> read(log).contains(HALT_MARKER) || !process.isAlive(),
                () -> "the child reaches the cut commit; its log:\n" + read(log));
        assertTrue(process.isAlive(), "the child waits to be killed; its log:\n" + read(log));
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback, no checkpoint
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals("deleted", Sql.rows(db, "SELECT state FROM archives WHERE month = '2026-01'").get(0).get("state"),
                "the database's half of the delete committed");
        assertEquals(mainSeq(db) - 1, fileSeq(db), "the conversations file's half did not");
        assertEquals(jan, rows(db, "conversations.conversations", "2026-01"), "its January rows are still there");

        CliRun again = CliRun.of("archive", "--month", "2026-01", "--db", db.toString());
        assertEquals(Main.OK, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("2026-01 is already archived"), again.out());
        assertEquals(0, rows(db, "conversations.conversations", "2026-01"), "the repair finished the delete");
        QueryAnswers.assertSame(answersBefore, subset(db, true));
        assertWhole(db);
    }

    @Test
    void refusedWhileTheConversationsFileIsAwayOrContentWaitsInTheSpool() throws Exception {
        Path db = split(tmp);
        Path disk = tmp.resolve("disk2");
        Files.move(disk, tmp.resolve("disk2-aside"));
        Map<String, String> before = Fingerprint.of(tmp);
        CliRun away = CliRun.of("archive", "--month", "2026-01", "--db", db.toString());
        assertEquals(Main.USAGE, away.code(), away.out() + away.err());
        assertTrue(away.err().contains("is away"), away.err());
        assertEquals(before, Fingerprint.of(tmp), "nothing written");
        Files.move(tmp.resolve("disk2-aside"), disk);

        Sql.exec(db, "INSERT INTO conversations_spool (spooled_at, worker_id, at, sidechain, bytes) VALUES "
                + "('2026-03-01T00:00:00.000Z', 'w-x', '2026-01-15T00:00:00Z', 0, 200)");
        before = Fingerprint.of(tmp);
        CliRun spooled = CliRun.of("archive", "--month", "2026-01", "--db", db.toString());
        assertEquals(Main.USAGE, spooled.code(), spooled.out() + spooled.err());
        assertTrue(spooled.err().contains("wait in the spool"), spooled.err());
        assertEquals(before, Fingerprint.of(tmp), "nothing written");
        assertFalse(Files.exists(tmp.resolve("archive/logs-2026-01.db")));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
