package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.CliRun;
import io.taclog.testing.Sql;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code taclog doctor} on the demo database: numbers equal to direct SQL, exit 1 on a damaged file. */
class DoctorCommandIT {

    @TempDir
    Path tmp;
    Path db;

    @BeforeEach
    void load() {
        db = BackupCommandIT.demo(tmp);
    }

    @Test
    void theTextReportMatchesTheDatabase() {
        CliRun b = BackupCommandIT.run("backup", "--db", db.toString(), "--to",
                tmp.resolve("b.db").toString());
        assertEquals(Main.OK, b.code(), b.err());
        CliRun r = BackupCommandIT.run("doctor", "--db", db.toString());
        assertEquals(Main.OK, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("quick_check ok"), out);
        assertTrue(out.contains("version " + io.taclog.schema.Migrations.latestVersion() + " ("), out);
        assertTrue(out.contains("none pending"), out);
        long pages = Sql.scalar(db, "PRAGMA page_count");
        long free = Sql.scalar(db, "PRAGMA freelist_count");
        assertTrue(out.contains(pages + " of " + Sql.scalar(db, "PRAGMA page_size") + " bytes; " + free + " free"),
                out);
        assertTrue(out.contains("to " + tmp.resolve("b.db").toAbsolutePath()), out);
        long files = Sql.scalar(db, "SELECT COUNT(*) FROM ingest_files");
        assertTrue(out.contains(files + " file generations (" + files + " active)"), out);
        String oldest = Sql.rows(db, "SELECT MIN(committed_at) AS m FROM ingest_commits").get(0).get("m").toString();
        assertTrue(out.contains("ingest_commits " + Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits")
                + " rows"), out);
        assertTrue(out.contains("oldest " + oldest), out);
        assertTrue(out.contains("archives     no month archived"), out);
        Matcher m = Pattern.compile("(?m)^api_calls +table +api_calls +([0-9,]+) .* ([0-9]+)$").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(Sql.scalar(db, "SELECT SUM(pgsize) FROM dbstat WHERE name = 'api_calls'"),
                Long.parseLong(m.group(1).replace(",", "")));
        assertEquals(Sql.scalar(db, "SELECT COUNT(*) FROM api_calls"), Long.parseLong(m.group(2)));
    }

    @Test
    void theJsonReportMatchesTheDatabase() {
        CliRun r = BackupCommandIT.run("doctor", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, r.code(), r.err());
        String json = r.out();
        assertTrue(json.contains("\"quick_check\" : \"ok\""), json);
        assertTrue(json.contains("\"healthy\" : true"), json);
        assertTrue(json.contains("\"page_count\" : " + Sql.scalar(db, "PRAGMA page_count")), json);
        assertTrue(json.contains("\"freelist_pages\" : " + Sql.scalar(db, "PRAGMA freelist_count")), json);
        assertTrue(json.contains("\"conversations\" : " + Sql.scalar(db, "SELECT COUNT(*) FROM conversations")),
                json);
        assertTrue(json.contains("\"sizes_source\" : \"dbstat\""), json);
        assertTrue(json.contains("\"last_backup\" : null"), json);
        assertTrue(json.contains("\"deferred_indexes\" : [ ]"), json);
    }

    @Test
    void aDamagedCopyFailsWithExitOne() throws Exception {
        Path copy = tmp.resolve("damaged.db");
        Files.copy(db, copy);
        long pageSize = Sql.scalar(copy, "PRAGMA page_size");
        long root = Sql.scalar(copy, "SELECT rootpage FROM sqlite_master WHERE name = 'conversations'");
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            byte[] junk = new byte[(int) pageSize];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            f.seek((root - 1) * pageSize); // a table's root page: its header, cell pointers and cells
            f.write(junk);
        }
        CliRun r = BackupCommandIT.run("doctor", "--db", copy.toString());
        assertEquals(Main.FAILURE, r.code(), r.out() + r.err());
        assertTrue(!r.out().contains("quick_check ok"), r.out());
        CliRun j = BackupCommandIT.run("doctor", "--db", copy.toString(), "--format", "json");
        assertEquals(Main.FAILURE, j.code());
        assertTrue(j.out().contains("\"healthy\" : false"), j.out());
    }

    @Test
    void aMissingDatabaseIsAUsageError() {
        CliRun r = BackupCommandIT.run("doctor", "--db", tmp.resolve("absent.db").toString());
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }
}
