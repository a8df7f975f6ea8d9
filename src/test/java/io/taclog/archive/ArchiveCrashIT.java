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
import io.taclog.testing.CliRun;
import io.taclog.testing.QueryAnswers;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An archive run stopped at every step, as a crash would stop it (the hook throws an Error, which no cleanup code
 * catches, so the files stay as they were), then run again: the second run picks up from what the first left and ends
 * exactly where an uninterrupted run ends.
 */
class ArchiveCrashIT {

    static final ArchiveMonth JAN = ArchiveMonth.parse("2026-01");

    /** What a crash looks like to the code it interrupts. */
    static final class Crash extends Error {
        Crash(Archiver.Step step) {
            super("simulated crash at " + step);
        }
    }

    @TempDir
    static Path reference;
    /** The per-table checksums of an uninterrupted archive of January. */
    static JsonNode cleanTables;
    static List<String> tasks;
    static Map<String, JsonNode> answersBefore;

    @TempDir
    Path tmp;
    Path db;
    Path dir;
    long janRows;

    @BeforeAll
    static void archiveOnceWithoutInterruption() {
        Path db = ArchiveCorpus.copyTo(reference);
        tasks = QueryAnswers.tasks(db);
        answersBefore = subset(db, false);
        CliRun r = CliRun.of("archive", "--month", JAN.toString(), "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.err());
        cleanTables = QueryAnswers.json(r.out()).get("tables");
    }

    /** A few answers that read every kind of archived row (a full set is in ArchiveIT). */
    static Map<String, JsonNode> subset(Path db, boolean includeArchives) {
        Map<String, JsonNode> all = QueryAnswers.of(db, includeArchives, tasks);
        return Map.of("cost-day", all.get("cost --by day --tz UTC"), "cost-task", all.get("cost --by task --tz UTC"),
                "tools", all.get("tools"), "task", all.get("task gh-603 --full"),
                "errors", all.get("errors --warnings"));
    }

    @BeforeEach
    void copy() {
        db = ArchiveCorpus.copyTo(tmp);
        dir = tmp.resolve("archive");
        janRows = janRows(db);
    }

    static long janRows(Path db) {
        return Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE timestamp >= '2026-01' AND timestamp < '2026-02'")
                + Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE timestamp >= '2026-01' "
                + "AND timestamp < '2026-02'");
    }

    void crashAt(Archiver.Step step) throws Exception {
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Archiver a = new Archiver(d, dir, 5000, Clock.systemUTC(), (s, m) -> {
                if (s == step) {
                    throw new Crash(step);
                }
            });
            assertThrows(Crash.class, () -> a.archive(JAN));
        }
    }

    String state() {
        List<Map<String, Object>> r = Sql.rows(db, "SELECT state FROM archives WHERE month = '2026-01'");
        return r.isEmpty() ? "none" : (String) r.get(0).get("state");
    }

    List<Path> partials() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
        }
    }

    Path target() {
        return dir.resolve("logs-2026-01.db");
    }

    @ParameterizedTest
    @EnumSource(Archiver.Step.class)
    void aRunStoppedAtAnyStepIsFinishedByTheNextOne(Archiver.Step step) throws Exception {
        crashAt(step);
        switch (step) {
            case COPYING, WRITTEN -> {
                assertEquals(1, partials().size(), "the temporary copy is left behind");
                assertFalse(Files.exists(target()));
                assertEquals("none", state());
            }
            case PUBLISHED -> {
                assertTrue(partials().isEmpty());
                assertTrue(Files.isRegularFile(target()));
                assertEquals("none", state(), "published, not recorded yet");
            }
            case RECORDED -> assertEquals("copied", state());
            case VERIFIED -> assertEquals("verified", state());
            case DELETED -> assertEquals("deleted", state());
            default -> throw new IllegalStateException();
        }
        assertEquals(step == Archiver.Step.DELETED ? 0 : janRows, janRows(db),
                "nothing leaves the database before the delete commits");

        CliRun r = CliRun.of("archive", "--month", "2026-01", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        JsonNode o = QueryAnswers.json(r.out());
        String expectedStart = switch (step) {
            case COPYING, WRITTEN -> "none";
            case PUBLISHED -> "adopted";
            case RECORDED -> "copied";
            case VERIFIED -> "verified";
            case DELETED -> "deleted";
        };
        assertEquals(expectedStart, o.get("started_from").asText());
        assertEquals(step != Archiver.Step.DELETED, o.get("archived_now").asBoolean());
        assertEquals("deleted", state());
        assertTrue(partials().isEmpty(), "no temporary file is left");
        assertEquals(0, janRows(db));
        assertEquals(cleanTables, o.get("tables"), "the same rows as an uninterrupted run");
        QueryAnswers.assertSame(answersBefore, subset(db, true));
    }

    @Test
    void aMonthChangedBeforeTheDeleteIsCopiedAgain() throws Exception {
        crashAt(Archiver.Step.VERIFIED);
        // meanwhile the sidecar revises a January call (a later sighting with more output tokens)
        Sql.exec(db, "UPDATE api_calls SET tokens_output = tokens_output + 7 WHERE call_id = (SELECT MIN(call_id) "
                + "FROM api_calls WHERE timestamp >= '2026-01' AND timestamp < '2026-02')");
        long output = Sql.scalar(db, "SELECT SUM(tokens_output) FROM api_calls WHERE timestamp >= '2026-01' "
                + "AND timestamp < '2026-02'");
        CliRun r = CliRun.of("archive", "--month", "2026-01", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        JsonNode o = QueryAnswers.json(r.out());
        assertEquals("verified", o.get("started_from").asText());
        assertEquals(1, o.get("copies_written").asInt(), "the stale archive was thrown away and written again");
        assertEquals(output, Sql.scalar(target(), "SELECT SUM(tokens_output) FROM api_calls"),
                "the archive holds the revised row");
        assertEquals(0, janRows(db));
    }

    @Test
    void anArchiveThatNoLongerHoldsWhatWasCopiedIsThrownAwayAndNothingIsDeleted() throws Exception {
        crashAt(Archiver.Step.RECORDED);
        Sql.exec(target(), "UPDATE api_calls SET tokens_input = tokens_input + 1 WHERE call_id = (SELECT MIN(call_id) "
                + "FROM api_calls)");
        CliRun r = CliRun.of("archive", "--month", "2026-01", "--db", db.toString());
        assertEquals(Main.FAILURE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("does not hold what was copied: api_calls"), r.err());
        assertFalse(Files.exists(target()));
        assertEquals("none", state());
        assertEquals(janRows, janRows(db));
        CliRun again = CliRun.of("archive", "--month", "2026-01", "--db", db.toString());
        assertEquals(Main.OK, again.code(), again.out() + again.err());
        assertEquals(0, janRows(db));
    }
}
