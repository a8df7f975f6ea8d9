package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.maintenance.Tables;
import io.taclog.testing.CliRun;
import io.taclog.testing.Ledger;
import io.taclog.testing.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code taclog backup} on the demo database: an equal, valid copy, recorded; bad targets refused untouched. */
class BackupCommandIT {

    static final Path DEMO_CONFIG = Path.of("samples", "taclog.properties");

    @TempDir
    Path tmp;
    Path db;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** The demo of the README (a TAC-8 coordinator log, its work queue and transcripts) loaded into {@code db}. */
    static Path demo(Path dir) {
        Path db = dir.resolve("demo.db");
        CliRun r = run("backfill", "--config", DEMO_CONFIG.toString(), "--db", db.toString());
        assertEquals(Main.OK, r.code(), r.err());
        return db;
    }

    @BeforeEach
    void load() {
        db = demo(tmp);
    }

    @Test
    void theCopyOfTheDemoHoldsEveryRowPassesValidateAndIsRecorded() throws Exception {
        Path copy = tmp.resolve("backups").resolve("demo-copy.db");
        Files.createDirectories(copy.getParent());
        CliRun r = run("backup", "--db", db.toString(), "--to", copy.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("written to " + copy), r.out());
        assertTrue(r.out().contains("quick_check ok"), r.out());
        assertTrue(r.out().contains("recorded  in the backups table"), r.out());

        Map<String, Long> source;
        Map<String, Long> copied;
        try (Connection s = Sql.connect(db); Connection c = Sql.connect(copy)) {
            source = Tables.rowCounts(s);
            copied = Tables.rowCounts(c);
        }
        assertEquals(source.get("backups") - 1, copied.get("backups"), "the source recorded the backup afterwards");
        source.remove("backups");
        copied.remove("backups");
        assertEquals(source, copied);
        assertTrue(copied.get("api_calls") > 0 && copied.get("conversations") > 0, copied.toString());
        assertEquals("delete", Sql.rows(copy, "PRAGMA journal_mode").get(0).values().iterator().next(),
                "a backup is one self-contained file");
        Ledger.read(copy).assertConsistent();

        CliRun v = run("validate", "--config", DEMO_CONFIG.toString(), "--db", copy.toString());
        assertEquals(Main.OK, v.code(), v.out() + v.err());

        List<Map<String, Object>> rows = Sql.rows(db, "SELECT target, bytes FROM backups");
        assertEquals(1, rows.size());
        assertEquals(copy.toAbsolutePath().toString(), rows.get(0).get("target"));
        assertEquals(Files.size(copy), ((Number) rows.get(0).get("bytes")).longValue());
        assertEquals(List.of("demo-copy.db"), names(copy.getParent()), "no temporary file is left behind");
    }

    @Test
    void anExistingTargetIsRefusedAndLeftAsItWas() throws Exception {
        Path target = tmp.resolve("taken.db");
        byte[] before = "not to be overwritten".getBytes(StandardCharsets.UTF_8);
        Files.write(target, before);
        CliRun r = run("backup", "--db", db.toString(), "--to", target.toString());
        assertEquals(Main.USAGE, r.code(), r.out());
        assertTrue(r.err().contains("already exists"), r.err());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM backups"), "nothing recorded");
    }

    @Test
    void aMissingDirectoryOrSourceIsRefused() {
        CliRun r = run("backup", "--db", db.toString(), "--to", tmp.resolve("no-such-dir").resolve("x.db").toString());
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertFalse(Files.exists(tmp.resolve("no-such-dir")));

        CliRun s = run("backup", "--db", tmp.resolve("absent.db").toString(), "--to", tmp.resolve("y.db").toString());
        assertEquals(Main.USAGE, s.code());
        assertTrue(s.err().contains("absent.db does not exist"), s.err());
        assertFalse(Files.exists(tmp.resolve("y.db")));
        assertFalse(Files.exists(tmp.resolve("absent.db")), "the missing source is not created");
    }

    @Test
    void aReadOnlyDirectoryIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root ignores permission bits: the directory stays writable and there is nothing to refuse
            Assumptions.assumeFalse(Files.isWritable(dir), "running as root: a read-only directory is writable");
            CliRun r = run("backup", "--db", db.toString(), "--to", dir.resolve("x.db").toString());
            assertEquals(Main.USAGE, r.code());
            assertTrue(r.err().contains("not writable"), r.err());
            assertEquals(List.of(), names(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
