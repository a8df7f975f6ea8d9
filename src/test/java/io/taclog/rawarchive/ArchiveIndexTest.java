package io.taclog.rawarchive;

import static io.taclog.rawarchive.ManifestTest.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the manifests' entries become each generation's bytes in order, and what contradicts itself. */
class ArchiveIndexTest {

    @TempDir
    Path tmp;

    private ArchiveIndex index(String month, ManifestEntry... entries) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("raw").resolve(month));
        Manifest.append(dir.resolve(RawArchiveLayout.MANIFEST), List.of(entries));
        return ArchiveIndex.load(tmp);
    }

    @Test
    void segmentsOfSeveralMonthsChainInByteOrder() throws IOException {
        index("2026-04", segment(1, 100, 250));
        ArchiveIndex i = index("2026-03", segment(1, 0, 100));
        ArchivedGeneration g = i.generation(1);
        assertEquals(List.of(0L, 100L), g.chain().stream().map(ManifestEntry::from).toList());
        assertEquals(250, g.end());
        assertNull(g.gap());
        assertEquals(2, i.months().size());
        assertEquals(tmp, i.dir());
        assertEquals(i.raw(), ArchiveIndex.load(tmp.resolve("raw")).raw(), "the raw folder itself works too");
    }

    @Test
    void aHoleEndsTheChainAndIsSaid() throws IOException {
        ArchivedGeneration g = index("2026-03", segment(1, 0, 100), segment(1, 150, 200)).generation(1);
        assertEquals(100, g.end());
        assertEquals(1, g.afterGap().size());
        assertTrue(g.gap().contains("bytes [100,150) are in no segment"), g.gap());
    }

    @Test
    void theSameBytesListedTwiceAreRefused() throws IOException {
        RawArchiveRefused e = assertThrows(RawArchiveRefused.class,
                () -> index("2026-03", segment(1, 0, 100), segment(1, 50, 120)));
        assertTrue(e.getMessage().contains("lists bytes [50,100) of generation 1"), e.getMessage());
    }

    @Test
    void oneGenerationIdNamingTwoFilesIsRefused() throws IOException {
        ManifestEntry a = segment(1, 0, 100);
        ManifestEntry other = new ManifestEntry("2026-03/transcripts/o.g1.100-200.jsonl.gz", "transcripts", "/w/o",
                null, null, 1, new GenerationIdentity("transcripts", 2049, 999, "zzz", 0), null, "active", 100, 200,
                5L, "1".repeat(64), null, null, null, 0, List.of(), null, "2026-03-01T00:00:00.000Z");
        RawArchiveRefused e = assertThrows(RawArchiveRefused.class, () -> index("2026-03", a, other));
        assertTrue(e.getMessage().contains("generation 1 as two different files"), e.getMessage());
    }

    @Test
    void coordinatorOutputsComeFirst() throws IOException {
        ManifestEntry log = new ManifestEntry("2026-03/coordinator-log/c.g9.0-10.log.gz", "coordinator-log",
                "/c.log", null, null, 9, new GenerationIdentity("coordinator-log", 1, 2, "h", 0), null, "active", 0,
                10, 5L, "2".repeat(64), null, null, null, 0, List.of(), null, "2026-03-01T00:00:00.000Z");
        ArchiveIndex i = index("2026-03", segment(1, 0, 100), log);
        assertEquals(List.of(9L, 1L), i.generations().stream().map(ArchivedGeneration::id).toList());
    }
}
