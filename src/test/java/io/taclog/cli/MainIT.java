package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.schema.Migrator;
import io.taclog.testing.CliRun;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands, run in-process as a user would run them: exit codes, output, and what lands in the database. */
class MainIT {

    /** A line every source kind quarantines, whatever formats it knows. */
    private static final byte[] INVALID_UTF8 = {'{', '"', 'x', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'};

    @TempDir
    Path tmp;
    Path watch;
    Path db;

    @BeforeEach
    void files() throws IOException {
        watch = Files.createDirectories(tmp.resolve("logs"));
        db = tmp.resolve("audit.db");
        try (LogWriter w = LogWriter.append(watch.resolve("one.jsonl"), "one")) {
            w.lines(7).raw(INVALID_UTF8); // rejected before any format looks at it
        }
        Path sub = Files.createDirectories(watch.resolve("sub"));
        try (LogWriter w = LogWriter.append(sub.resolve("two.jsonl"), "two")) {
            w.lines(4).raw("\n");
        }
    }

    private CliRun backfill() {
        return MainTest.run("backfill", "--db", db.toString(), "--watch", watch.toString(), "--no-progress");
    }

    @Test
    void backfillOfASmallDirectoryExitsZeroHavingAccountedEveryLine() {
        CliRun r = backfill();
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("13 lines"), r.out());
        assertTrue(r.err().contains("1 line(s) quarantined"), r.err());
        Ledger l = Ledger.read(db).assertConsistent();
        assertEquals(13, l.linesRead());
        assertEquals(1, l.skipped("empty line"));
        assertEquals(1, l.rejects().size());
        assertTrue(l.rejects().get(0).error().contains("invalid UTF-8"), l.rejects().toString());
    }

    @Test
    void backfillAgainReadsOnlyWhatWasAppended() throws IOException {
        assertEquals(Main.OK, backfill().code());
        assertEquals(Main.OK, backfill().code());
        assertEquals(13, Ledger.read(db).linesRead(), "a second backfill of unchanged files reads nothing");
        Files.write(watch.resolve("one.jsonl"), Jsonl.line("one", 99), java.nio.file.StandardOpenOption.APPEND);
        CliRun r = backfill();
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals(14, Ledger.read(db).assertConsistent().linesRead());
    }

    @Test
    void filesAsJsonListsEveryGenerationWithItsCounts() throws IOException {
        assertEquals(Main.OK, backfill().code());
        CliRun r = MainTest.run("files", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.err());
        JsonNode files = new ObjectMapper().readTree(r.out());
        assertEquals(2, files.size(), r.out());
        Map<String, JsonNode> byPath = new HashMap<>();
        files.forEach(f -> byPath.put(f.get("path").asText(), f));
        JsonNode one = byPath.get(watch.resolve("one.jsonl").toString());
        assertEquals(8, one.get("lines_read").asLong());
        assertEquals(7, one.get("with_rows").asLong() + one.get("skipped").asLong());
        assertEquals(1, one.get("rejected").asLong());
        assertEquals(Files.size(watch.resolve("one.jsonl")), one.get("committed_offset").asLong());
        assertEquals(0, one.get("pending_bytes").asLong());
        assertEquals("active", one.get("state").asText());
        JsonNode two = byPath.get(watch.resolve("sub/two.jsonl").toString());
        assertEquals(5, two.get("lines_read").asLong());
        assertEquals(1, two.get("skips").get("empty line").asLong());
    }

    @Test
    void validateProvesAGoodDatabaseAndFailsAfterTheLedgerIsTamperedWith() throws IOException {
        assertEquals(Main.OK, backfill().code());
        CliRun ok = MainTest.run("validate", "--db", db.toString());
        assertEquals(Main.OK, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("OK: 2 file generations, 2 verified"), ok.out());

        Sql.exec(db, "UPDATE ingest_ledger SET lines_read = lines_read + 1 WHERE file_id = 1");
        CliRun bad = MainTest.run("validate", "--db", db.toString());
        assertEquals(Main.FAILURE, bad.code(), bad.out());
        assertTrue(bad.out().contains("FAILED"), bad.out());
        assertTrue(bad.out().contains("ledger does not add up"), bad.out());

        CliRun json = MainTest.run("validate", "--db", db.toString(), "--format", "json");
        assertEquals(Main.FAILURE, json.code());
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertEquals("mismatch", report.get("files").get(0).get("verdict").asText(), json.out());
    }

    @Test
    void migratePrintsTheSchemaVersion() {
        Path fresh = tmp.resolve("fresh.db");
        CliRun r = MainTest.run("migrate", "--db", fresh.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("schema version 0 -> " + Migrator.latestVersion()), r.out());
        r = MainTest.run("migrate", "--db", fresh.toString());
        assertTrue(r.out().contains("schema version " + Migrator.latestVersion() + " -> " + Migrator.latestVersion()
                + " (applied nothing)"), r.out());
    }

    @Test
    void readingCommandsFailClearlyOnAMissingDatabase() {
        CliRun r = MainTest.run("files", "--db", tmp.resolve("absent.db").toString());
        assertEquals(Main.FAILURE, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }
}
