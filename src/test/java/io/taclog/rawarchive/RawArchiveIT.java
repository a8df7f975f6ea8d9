package io.taclog.rawarchive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.cli.Main;
import io.taclog.testing.CliRun;
import io.taclog.testing.RawCorpus;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw JSONL archive over real files: archived as files go idle, each byte once, and read back into a database
 * that holds the same rows as the original ingest once the originals are gone; validate proves it against the
 * archive alone.
 */
class RawArchiveIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static CliRun archiveRaw(Path db, Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of("archive-raw", "--db", db.toString(), "--dir", dir.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    static CliRun restore(Path db, Path dir) {
        return CliRun.of("backfill", "--from-archive", dir.toString(), "--db", db.toString(), "--no-progress");
    }

    static CliRun validate(Path db, Path dir) {
        return CliRun.of("validate", "--db", db.toString(), "--against-archive", dir.toString());
    }

    static List<JsonNode> manifest(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("raw"))) {
            for (Path month : s.filter(Files::isDirectory).sorted().toList()) {
                for (String line : Files.readAllLines(month.resolve("manifest.jsonl"))) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    @Test
    void theArchiveRestoresTheSameRowsWhenTheOriginalsAreGoneAndValidatePassesAgainstIt() throws IOException {
        RawCorpus corpus = RawCorpus.copyTo(tmp);
        Path original = tmp.resolve("original.db");
        Path archive = tmp.resolve("archive");
        corpus.backfill(original);
        long files = Sql.scalar(original, "SELECT COUNT(*) FROM ingest_files");

        CliRun a = archiveRaw(original, archive, "--idle-seconds", "0");
        assertEquals(Main.OK, a.code(), a.out() + a.err());
        assertTrue(a.out().contains("archived " + files + " segments"), a.out());
        assertEquals(files, manifest(archive).size(), "one segment per file generation");
        assertEquals(Sql.scalar(original, "SELECT SUM(committed_offset - start_offset) FROM ingest_files"),
                Sql.scalar(original, "SELECT SUM(end_offset - start_offset) FROM raw_archive_segments "
                        + "WHERE state = 'archived'"), "every committed byte, once");
        CliRun again = archiveRaw(original, archive, "--idle-seconds", "0");
        assertTrue(again.out().startsWith("nothing new to archive"), again.out());
        assertEquals(files, manifest(archive).size());

        Map<String, Object> before = RawCorpus.facts(original);
        corpus.delete();
        Path restored = tmp.resolve("restored.db");
        CliRun r = restore(restored, archive);
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains(files + " files restored"), r.out());
        assertEquals(before, RawCorpus.facts(restored), "the same rows, tokens, cost and ledger as the original");

        CliRun v = validate(restored, archive);
        assertEquals(Main.OK, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("OK: " + files + " file generations, " + files + " verified against the raw files ("
                + files + " of them from the raw archive)"), v.out());
        CliRun vo = validate(original, archive);
        assertEquals(Main.OK, vo.code(), vo.out() + vo.err());
        CliRun plain = CliRun.of("validate", "--db", restored.toString());
        assertTrue(plain.out().contains("0 verified"), "without the archive nothing can be proven: " + plain.out());

        CliRun twice = restore(restored, archive);
        assertEquals(Main.OK, twice.code(), twice.out() + twice.err());
        assertTrue(twice.out().contains("0 files restored, 0 continued, " + files + " already complete"), twice.out());
        assertEquals(before, RawCorpus.facts(restored), "a second restore changes nothing");
        CliRun nothing = archiveRaw(restored, archive, "--idle-seconds", "0");
        assertTrue(nothing.out().startsWith("nothing new to archive"), "the restored database knows what is archived: "
                + nothing.out());
    }

    @Test
    void aGrowingFileGetsOnlyItsNewBytesAsAFurtherSegment() throws IOException {
        List<String> lines = realLines("claude-transcript/ccviewer-v1.0.x-5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl");
        Path watched = Files.createDirectories(tmp.resolve("w"));
        Path file = watched.resolve("session.jsonl");
        Path db = tmp.resolve("a.db");
        Path archive = tmp.resolve("archive");
        write(file, lines.subList(0, lines.size() / 2), false);
        backfill(db, watched);
        assertEquals(Main.OK, archiveRaw(db, archive, "--idle-seconds", "0").code());
        long firstEnd = Files.size(file);
        write(file, lines.subList(lines.size() / 2, lines.size()), true);
        backfill(db, watched);
        CliRun second = archiveRaw(db, archive, "--idle-seconds", "0");
        assertTrue(second.out().contains("archived 1 segments"), second.out());

        List<JsonNode> m = manifest(archive);
        assertEquals(2, m.size());
        assertEquals(0, m.get(0).get("from").asLong());
        assertEquals(firstEnd, m.get(0).get("to").asLong());
        assertEquals(firstEnd, m.get(1).get("from").asLong(), "the second segment starts where the first ended");
        assertEquals(Files.size(file), m.get(1).get("to").asLong());
        byte[] bytes = Files.readAllBytes(file);
        for (JsonNode e : m) {
            int from = e.get("from").asInt();
            int to = e.get("to").asInt();
            assertEquals(sha256(bytes, from, to), e.get("sha256").asText(), "the segment holds the file's bytes");
            assertEquals(1, e.get("generation").asLong());
            assertFalse(e.get("observed").isEmpty(), "the commit times of the range");
        }

        Map<String, Object> before = RawCorpus.facts(db);
        Files.delete(file);
        Path restored = tmp.resolve("b.db");
        assertEquals(Main.OK, restore(restored, archive).code());
        assertEquals(before, RawCorpus.facts(restored));
        assertEquals(Main.OK, validate(restored, archive).code());
    }

    @Test
    void onlyFilesIdleForIdleSecondsAreArchived() {
        Path watched = tmp.resolve("w");
        copyReal(watched, "claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl");
        Path db = tmp.resolve("a.db");
        backfill(db, watched);
        CliRun busy = archiveRaw(db, tmp.resolve("archive"), "--idle-seconds", "3600");
        assertEquals(Main.OK, busy.code(), busy.err());
        assertTrue(busy.out().startsWith("nothing new to archive"), busy.out());
        assertTrue(busy.out().contains("waiting   1 files changed less than 3600 s ago"), busy.out());
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM raw_archive_segments"));
    }

    @Test
    void aTruncatedFileKeepsItsEarlierGenerationAndValidateProvesBoth() throws IOException {
        Path watched = Files.createDirectories(tmp.resolve("w"));
        Path file = watched.resolve("worker.jsonl");
        Path db = tmp.resolve("a.db");
        Path archive = tmp.resolve("archive");
        write(file, realLines("claude-transcript/claudeless-v2.1.29-compact-command-8aa54c1d-5030-4491-be42-"
                + "e0c416424b8a.jsonl"), false);
        backfill(db, watched);
        assertEquals(Main.OK, archiveRaw(db, archive, "--idle-seconds", "0").code());
        // TAC-8 truncates a worker log when it spawns the task again: same inode, new content
        write(file, realLines("claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-"
                + "920959a0109a.jsonl"), false);
        backfill(db, watched);
        assertEquals("superseded", Sql.rows(db, "SELECT state FROM ingest_files WHERE file_id = 1").get(0)
                .get("state"));
        assertEquals(Main.OK, archiveRaw(db, archive, "--idle-seconds", "0").code());
        List<JsonNode> m = manifest(archive);
        assertEquals(List.of(1L, 2L), m.stream().map(e -> e.get("generation").asLong()).toList());
        assertEquals(m.get(0).get("inode"), m.get(1).get("inode"), "one file, two generations");

        Map<String, Object> before = RawCorpus.facts(db);
        Files.delete(file);
        Path restored = tmp.resolve("b.db");
        assertEquals(Main.OK, restore(restored, archive).code());
        assertEquals(before, RawCorpus.facts(restored));
        assertEquals(List.of("superseded", "detached"), Sql.rows(restored, "SELECT state FROM ingest_files "
                + "ORDER BY file_id").stream().map(r -> r.get("state")).toList());
        CliRun v = validate(restored, archive);
        assertTrue(v.out().contains("2 verified against the raw files (2 of them from the raw archive)"),
                "the truncated generation is proven too, which its file could no longer do: " + v.out());
    }

    @Test
    void bytesTruncatedAwayBeforeTheyWereArchivedAreRecordedAsMissed() throws IOException {
        Path watched = Files.createDirectories(tmp.resolve("w"));
        Path file = watched.resolve("worker.jsonl");
        Path db = tmp.resolve("a.db");
        Path archive = tmp.resolve("archive");
        write(file, realLines("claude-transcript/claudeless-v2.1.29-compact-command-8aa54c1d-5030-4491-be42-"
                + "e0c416424b8a.jsonl"), false);
        backfill(db, watched);
        long lost = Files.size(file);
        write(file, realLines("claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-"
                + "920959a0109a.jsonl"), false);
        backfill(db, watched);
        CliRun a = archiveRaw(db, archive, "--idle-seconds", "0");
        assertEquals(Main.OK, a.code(), a.err());
        assertTrue(a.out().contains("missed    1 ranges"), a.out());
        List<JsonNode> m = manifest(archive);
        JsonNode missed = m.stream().filter(e -> e.path("missed").asBoolean()).findFirst().orElseThrow();
        assertEquals(1, missed.get("generation").asLong());
        assertEquals(lost, missed.get("to").asLong());
        assertFalse(missed.has("segment"));
        assertEquals(List.of("missed", "archived"), Sql.rows(db, "SELECT state FROM raw_archive_segments ORDER BY "
                + "file_id").stream().map(r -> r.get("state")).toList());
        String doctor = CliRun.of("doctor", "--db", db.toString()).out();
        assertTrue(doctor.contains(String.format(java.util.Locale.ROOT, "1 ranges (%,d bytes) gone before they could "
                + "be archived", lost)), doctor);

        CliRun r = restore(tmp.resolve("b.db"), archive);
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.err().contains("were gone before they could be archived"),
                "said, not skipped silently: " + r.err());
        assertEquals(1, Sql.scalar(tmp.resolve("b.db"), "SELECT COUNT(*) FROM ingest_files"));
    }

    @Test
    void aCopytruncatedGenerationIsArchivedFromTheCopyThatAdoptedIt() throws IOException {
        Path watched = Files.createDirectories(tmp.resolve("w"));
        Path file = watched.resolve("app.jsonl");
        Path copy = watched.resolve("app.1.jsonl");
        Path db = tmp.resolve("a.db");
        Path archive = tmp.resolve("archive");
        List<String> lines = realLines("claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl");
        write(file, lines.subList(0, 10), false);
        backfill(db, watched);
        write(file, lines.subList(10, 14), true); // not read before logrotate copies and truncates the file
        Files.copy(file, copy);
        write(file, realLines("claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-"
                + "920959a0109a.jsonl"), false);
        backfill(db, watched);
        assertEquals(1, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_files WHERE adopted_from = 1"));

        CliRun a = archiveRaw(db, archive, "--idle-seconds", "0");
        assertEquals(Main.OK, a.code(), a.err());
        assertFalse(a.out().contains("missed"), "the truncated generation's bytes are still in its copy: " + a.out());
        assertEquals(3, manifest(archive).size());
        Map<String, Object> before = RawCorpus.facts(db);
        Files.delete(file);
        Files.delete(copy);
        Path restored = tmp.resolve("b.db");
        assertEquals(Main.OK, restore(restored, archive).code());
        assertEquals(before, RawCorpus.facts(restored));
        assertEquals(1, Sql.scalar(restored, "SELECT COUNT(*) FROM ingest_files WHERE adopted_from = 1"));
        assertEquals(Main.OK, validate(restored, archive).code());
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static List<String> realLines(String sample) {
        try {
            return Files.readAllLines(SharedSamples.file(sample), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void copyReal(Path dir, String sample) {
        try {
            Files.createDirectories(dir);
            Files.copy(SharedSamples.file(sample), dir.resolve(Path.of(sample).getFileName().toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes lines to {@code file}: appended, or in place of its content (same inode, as a truncating writer). */
    static void write(Path file, List<String> lines, boolean append) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (!append) {
                ch.truncate(0);
            }
            ch.position(ch.size());
            ch.write(java.nio.ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    static void backfill(Path db, Path watched) {
        CliRun r = CliRun.of("backfill", "--db", db.toString(), "--watch", watched.toString(), "--no-progress");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
    }

    static String sha256(byte[] bytes, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, from, to - from);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
