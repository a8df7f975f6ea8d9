package io.taclog.rawarchive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path tmp;

    static ManifestEntry segment(long generation, long from, long to) {
        return new ManifestEntry("2026-03/transcripts/s.g" + generation + "." + from + "-" + to + ".jsonl.gz",
                "transcripts", "/w/s.jsonl", "/w", "s.jsonl", generation,
                new GenerationIdentity("transcripts", 2049, 77, "abc", 0), null, "active", from, to, 10L,
                "0".repeat(64), from == 0 ? null : "{\"m\":1}", "{\"m\":2}", "mk", 32,
                List.of(new ManifestEntry.Observed(to, 1_767_225_600_123L)), null, "2026-03-01T00:00:00.000Z");
    }

    @Test
    void anEntryReadsBackAsItWasWritten() throws IOException {
        Path m = tmp.resolve("manifest.jsonl");
        ManifestEntry a = segment(3, 0, 100);
        ManifestEntry missed = new ManifestEntry(null, "transcripts", "/w/s.jsonl", null, null, 4,
                new GenerationIdentity("transcripts", 2049, 78, "def", 0), null, "superseded", 0, 50, null, null, null,
                null, null, 0, List.of(), "file gone", "2026-03-01T00:00:00.000Z");
        Manifest.append(m, List.of(a, missed));
        assertEquals(List.of(a, missed), Manifest.read(m));
        assertTrue(Manifest.lists(m, a.segment()));
        assertTrue(Manifest.read(m).get(1).missed());
    }

    @Test
    void aLastLineWithoutItsNewlineIsNoEntryAndIsCutBeforeTheNextAppend() throws IOException {
        Path m = tmp.resolve("manifest.jsonl");
        Manifest.append(m, List.of(segment(1, 0, 100)));
        String torn = segment(1, 100, 200).toJson();
        Files.writeString(m, torn.substring(0, torn.length() - 5), StandardOpenOption.APPEND);
        assertEquals(1, Manifest.read(m).size());
        Manifest.append(m, List.of(segment(1, 100, 200)));
        assertEquals(List.of(segment(1, 0, 100), segment(1, 100, 200)), Manifest.read(m));
        assertEquals(2, Files.readAllLines(m).size());
    }

    @Test
    void aLineThatIsNotAnEntryRefusesTheManifestNamingTheLine() throws IOException {
        Path m = tmp.resolve("manifest.jsonl");
        Manifest.append(m, List.of(segment(1, 0, 100)));
        Files.writeString(m, "{\"segment\":\"x\",\"kind\":\"transcripts\"}\n", StandardOpenOption.APPEND);
        RawArchiveRefused e = assertThrows(RawArchiveRefused.class, () -> Manifest.read(m));
        assertTrue(e.getMessage().contains("line 2 is not a valid entry: field device is missing"), e.getMessage());
    }

    @Test
    void aSegmentOutsideTheArchiveIsRefused() {
        String json = segment(1, 0, 100).toJson().replace("2026-03/transcripts", "../../etc");
        assertThrows(IllegalArgumentException.class,
                () -> ManifestEntry.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)));
    }
}
