package io.taclog.rawarchive;

import static io.taclog.rawarchive.RawArchiveIT.archiveRaw;
import static io.taclog.rawarchive.RawArchiveIT.backfill;
import static io.taclog.rawarchive.RawArchiveIT.manifest;
import static io.taclog.rawarchive.RawArchiveIT.realLines;
import static io.taclog.rawarchive.RawArchiveIT.restore;
import static io.taclog.rawarchive.RawArchiveIT.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.cli.Main;
import io.taclog.testing.CliRun;
import io.taclog.testing.RawCorpus;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped anywhere (crash, kill, power loss) leaves the archive as the states its steps recorded, and the next
 * run finishes it: no segment half counted, none listed twice, no byte archived twice. Each test puts the archive in
 * the state a stop at one step leaves.
 */
class RawArchiveCrashIT {

    @TempDir
    Path tmp;
    Path db;
    Path archive;
    Path file;
    List<String> lines;

    @BeforeEach
    void archiveHalfASession() throws IOException {
        lines = realLines("claude-transcript/ccviewer-v1.0.x-5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl");
        Path watched = Files.createDirectories(tmp.resolve("w"));
        file = watched.resolve("session.jsonl");
        write(file, lines.subList(0, lines.size() / 2), false);
        db = tmp.resolve("a.db");
        archive = tmp.resolve("archive");
        backfill(db, watched);
        assertEquals(Main.OK, archiveRaw(db, archive, "--idle-seconds", "0").code());
    }

    private Path manifestFile() throws IOException {
        try (Stream<Path> s = Files.list(archive.resolve("raw"))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("manifest.jsonl");
        }
    }

    private Path segment() throws IOException {
        return archive.resolve("raw").resolve(manifest(archive).get(0).get("segment").asText());
    }

    private CliRun rerun() {
        CliRun r = archiveRaw(db, archive, "--idle-seconds", "0");
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        return r;
    }

    @Test
    void stoppedAfterTheSegmentGotItsNameItIsListedOnceAndMarkedArchived() throws IOException {
        Path segment = segment();
        Sql.exec(db, "UPDATE raw_archive_segments SET state = 'writing'");
        Files.delete(manifestFile()); // the manifest line was never written
        CliRun r = rerun();
        assertTrue(r.out().contains("resumed   1 segments"), r.out());
        assertEquals(1, manifest(archive).size());
        assertEquals(segment, segment());
        assertEquals(List.of("archived"), Sql.rows(db, "SELECT state FROM raw_archive_segments").stream()
                .map(x -> x.get("state")).toList());
        rerun();
        assertEquals(1, manifest(archive).size(), "listed once");
    }

    @Test
    void stoppedBeforeTheSegmentGotItsNameItIsWrittenAgainFromTheFile() throws IOException {
        Path segment = segment();
        String sha = manifest(archive).get(0).get("sha256").asText();
        Sql.exec(db, "UPDATE raw_archive_segments SET state = 'writing'");
        Files.delete(segment);
        Files.delete(manifestFile());
        Files.writeString(archive.resolve("raw/.segment-123.tmp"), "half a segment");
        CliRun r = rerun();
        assertTrue(r.out().contains("resumed   1 segments"), r.out());
        assertTrue(Files.isRegularFile(segment));
        assertEquals(sha, manifest(archive).get(0).get("sha256").asText());
        assertFalse(Files.exists(archive.resolve("raw/.segment-123.tmp")), "a stopped run's temporary file is removed");
    }

    @Test
    void stoppedBeforeTheSegmentGotItsNameWhileTheFileGrewTheRangeIsFinishedAndTheRestFollows() throws IOException {
        String sha = manifest(archive).get(0).get("sha256").asText();
        long end = manifest(archive).get(0).get("to").asLong();
        Sql.exec(db, "UPDATE raw_archive_segments SET state = 'writing'");
        Files.delete(segment());
        Files.delete(manifestFile());
        write(file, lines.subList(lines.size() / 2, lines.size()), true);
        backfill(db, tmp.resolve("w"));
        rerun();
        List<JsonNode> m = manifest(archive);
        assertEquals(2, m.size());
        assertEquals(sha, m.get(0).get("sha256").asText(), "the interrupted range, as it was recorded");
        assertEquals(end, m.get(1).get("from").asLong());
        assertEquals(Files.size(file), m.get(1).get("to").asLong());
    }

    @Test
    void stoppedBeforeTheSegmentGotItsNameAfterTheFileWasRewrittenTheRangeIsMissed() throws IOException {
        long end = manifest(archive).get(0).get("to").asLong();
        Sql.exec(db, "UPDATE raw_archive_segments SET state = 'writing'");
        Files.delete(segment());
        Files.delete(manifestFile());
        write(file, realLines("claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-"
                + "920959a0109a.jsonl"), false); // truncated and rewritten: the interrupted range's bytes are gone
        backfill(db, tmp.resolve("w"));
        CliRun r = rerun();
        assertTrue(r.out().contains("missed    1 ranges"), r.out());
        List<JsonNode> m = manifest(archive);
        assertEquals(2, m.size());
        JsonNode missed = m.stream().filter(e -> e.get("generation").asLong() == 1).findFirst().orElseThrow();
        assertTrue(missed.path("missed").asBoolean(), missed.toString());
        assertEquals(end, missed.get("to").asLong());
        assertEquals(List.of("missed", "archived"), Sql.rows(db, "SELECT state FROM raw_archive_segments ORDER BY "
                + "file_id").stream().map(x -> x.get("state")).toList(), "no row left half way");
    }

    @Test
    void aManifestLineTornByACrashIsCutBeforeTheNextAppend() throws IOException {
        Files.writeString(manifestFile(), "{\"segment\":\"2026-", StandardOpenOption.APPEND);
        assertEquals(1, ArchiveIndex.load(archive).segments().size(), "a torn last line is not an entry yet");
        write(file, lines.subList(lines.size() / 2, lines.size()), true);
        backfill(db, tmp.resolve("w"));
        rerun();
        List<JsonNode> m = manifest(archive);
        assertEquals(2, m.size(), "the torn line is gone, both segments are listed");
        assertEquals(m.get(0).get("to"), m.get(1).get("from"));
        Files.delete(file);
        Path restored = tmp.resolve("b.db");
        assertEquals(Main.OK, restore(restored, archive).code());
        assertEquals(RawCorpus.facts(db), RawCorpus.facts(restored));
    }

    @Test
    void aRestoreStoppedHalfWayIsContinuedFromWhatItCommitted() throws IOException {
        write(file, lines.subList(lines.size() / 2, lines.size()), true);
        backfill(db, tmp.resolve("w"));
        rerun();
        Files.delete(file);
        // the state a restore killed after its first segment leaves in a database loaded in place
        Path restored = tmp.resolve("b.db");
        List<JsonNode> m = manifest(archive);
        Path firstOnly = tmp.resolve("first");
        Path month = firstOnly.resolve("raw").resolve(m.get(0).get("segment").asText().substring(0, 7));
        Files.createDirectories(month);
        Files.writeString(month.resolve("manifest.jsonl"), m.get(0).toString() + "\n");
        Path seg = firstOnly.resolve("raw").resolve(m.get(0).get("segment").asText());
        Files.createDirectories(seg.getParent());
        Files.copy(archive.resolve("raw").resolve(m.get(0).get("segment").asText()), seg);
        assertEquals(Main.OK, restore(restored, firstOnly).code());

        CliRun r = restore(restored, archive);
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("0 files restored, 1 continued"), r.out());
        assertEquals(RawCorpus.facts(db), RawCorpus.facts(restored));
    }
}
