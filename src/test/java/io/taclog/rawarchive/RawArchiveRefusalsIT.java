package io.taclog.rawarchive;

import static io.taclog.rawarchive.RawArchiveIT.archiveRaw;
import static io.taclog.rawarchive.RawArchiveIT.backfill;
import static io.taclog.rawarchive.RawArchiveIT.copyReal;
import static io.taclog.rawarchive.RawArchiveIT.manifest;
import static io.taclog.rawarchive.RawArchiveIT.restore;
import static io.taclog.rawarchive.RawArchiveIT.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.CliRun;
import io.taclog.testing.RawCorpus;
import io.taclog.testing.ReadOnlyDirectory;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the raw archive's commands: a clear message, exit 2, and nothing changed anywhere. */
class RawArchiveRefusalsIT {

    @TempDir
    Path tmp;
    Path db;
    Path archive;

    @BeforeEach
    void ingestTwoRealSessions() {
        Path watched = tmp.resolve("w");
        copyReal(watched, "claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl");
        copyReal(watched, "claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-920959a0109a.jsonl");
        db = tmp.resolve("a.db");
        archive = tmp.resolve("archive");
        backfill(db, watched);
    }

    private void archived() {
        CliRun r = archiveRaw(db, archive, "--idle-seconds", "0");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
    }

    private static void assertRefused(CliRun r, String message) {
        assertEquals(Main.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    private long recorded() {
        return Sql.scalar(db, "SELECT COUNT(*) FROM raw_archive_segments");
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aReadOnlyArchiveDirectoryIsRefused() throws IOException {
        Files.createDirectories(archive);
        try (ReadOnlyDirectory ro = ReadOnlyDirectory.of(archive)) {
            assertRefused(archiveRaw(db, archive, "--idle-seconds", "0"), "is not writable; nothing was changed");
        }
        assertEquals(0, recorded());
        assertEquals(List.of(), filesUnder(archive));
    }

    @Test
    void anArchiveDirectoryThatIsAFileOrAMissingDatabaseIsRefused() throws IOException {
        Files.writeString(archive, "not a directory");
        assertRefused(archiveRaw(db, archive, "--idle-seconds", "0"), "is not a directory");
        assertRefused(archiveRaw(tmp.resolve("none.db"), tmp.resolve("a2"), "--idle-seconds", "0"),
                "does not exist");
        assertFalse(Files.exists(tmp.resolve("none.db")));
        assertFalse(Files.exists(tmp.resolve("a2")));
        assertRefused(archiveRaw(db, tmp.resolve("a3"), "--idle-seconds", "-1"), "--idle-seconds must be 0 or more");
        assertEquals(0, recorded());
    }

    @Test
    void aSegmentNameTakenByOtherBytesIsRefusedBeforeAnythingIsRecorded() throws IOException {
        // the names this database's segments get: from a run on a copy of it into another directory
        Path copy = tmp.resolve("copy.db");
        Files.copy(db, copy);
        Path other = tmp.resolve("other");
        assertEquals(Main.OK, archiveRaw(copy, other, "--idle-seconds", "0").code());
        String name = manifest(other).get(0).get("segment").asText();
        Path taken = archive.resolve("raw").resolve(name);
        Files.createDirectories(taken.getParent());
        Files.write(taken, gzip("someone else's bytes\n".getBytes()));

        assertRefused(archiveRaw(db, archive, "--idle-seconds", "0"), "already exists with other content");
        assertEquals(0, recorded());
        assertEquals("someone else's bytes\n", new String(gunzip(Files.readAllBytes(taken))), "left as it was");
        assertEquals(List.of(taken), filesUnder(archive.resolve("raw")).stream()
                .filter(p -> !p.getFileName().toString().startsWith(".")).toList(), "no segment, no manifest");
    }

    @Test
    void aRestoreRefusesADirectoryWithoutARawArchive() throws IOException {
        Path restored = tmp.resolve("b.db");
        assertRefused(restore(restored, tmp.resolve("missing")), "does not exist; nothing was changed");
        Files.createDirectories(tmp.resolve("empty"));
        assertRefused(restore(restored, tmp.resolve("empty")), "holds no raw archive");
        Files.createDirectories(tmp.resolve("nomanifest/raw/2026-01"));
        assertRefused(restore(restored, tmp.resolve("nomanifest")), "holds no manifest");
        assertRefused(CliRun.of("backfill", "--from-archive", tmp.resolve("empty").toString(), "--db",
                restored.toString(), "--watch", tmp.toString()), "--from-archive reads only the archive");
        assertRefused(validate(db, tmp.resolve("empty")), "holds no raw archive");
        assertFalse(Files.exists(restored));
        assertFalse(Files.exists(tmp.resolve("b.db.loading")));
    }

    @Test
    void aCorruptSegmentIsRefusedByARestoreAndAMismatchForValidate() throws IOException {
        archived();
        Path segment = archive.resolve("raw").resolve(manifest(archive).get(0).get("segment").asText());
        byte[] bytes = gunzip(Files.readAllBytes(segment));
        bytes[bytes.length / 2] ^= 1; // one bit: same size, another SHA-256
        Files.write(segment, gzip(bytes));
        Path restored = tmp.resolve("b.db");
        CliRun r = restore(restored, archive);
        assertRefused(r, "1 of 2 segments are corrupt or missing");
        assertTrue(r.err().contains("SHA-256"), r.err());
        assertFalse(Files.exists(restored), "nothing written");
        assertFalse(Files.exists(tmp.resolve("b.db.loading")));

        CliRun v = validate(db, archive);
        assertEquals(Main.FAILURE, v.code(), v.out());
        assertTrue(v.out().contains("mismatch") && v.out().contains("SHA-256"), v.out());

        Files.delete(segment);
        assertRefused(restore(restored, archive), "is missing");
    }

    @Test
    void aBrokenManifestLineIsRefused() throws IOException {
        archived();
        Path m;
        try (Stream<Path> s = Files.list(archive.resolve("raw"))) {
            m = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("manifest.jsonl");
        }
        Files.writeString(m, "{\"segment\": 7}\n", java.nio.file.StandardOpenOption.APPEND);
        assertRefused(restore(tmp.resolve("b.db"), archive), "line 3 is not a valid entry");
    }

    @Test
    void aRestoreIntoADatabaseWithOtherFilesUnderTheArchivesIdsIsRefused() {
        archived();
        Path watched = tmp.resolve("w2");
        copyReal(watched, "claude-transcript/claudeless-v2.1.29-compact-command-8aa54c1d-5030-4491-be42-"
                + "e0c416424b8a.jsonl");
        Path other = tmp.resolve("other.db");
        backfill(other, watched);
        Map<String, Object> before = RawCorpus.facts(other);
        assertRefused(restore(other, archive), "holds other files under the archive's ids");
        assertEquals(before, RawCorpus.facts(other));
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] bytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
