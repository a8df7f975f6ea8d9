package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Tests on the real samples fail loudly in CI when the samples are missing, and are skipped elsewhere. */
class SharedSamplesTest {

    @TempDir
    Path tmp;

    @Test
    void missingSamplesFailUnderCi() {
        Path nowhere = tmp.resolve("nowhere");
        AssertionError e = assertThrows(AssertionError.class,
                () -> SharedSamples.root(Map.of("CI", "true", SharedSamples.ENV, nowhere.toString()), tmp));
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
        assertThrows(AssertionError.class, () -> SharedSamples.root(Map.of("CI", "true"), tmp),
                "unset is missing too");
    }

    @Test
    void missingSamplesSkipWithANoticeElsewhere() {
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> SharedSamples.root(Map.of(), tmp));
        assertTrue(e.getMessage().contains(SharedSamples.ENV + " is not set"), e.getMessage());
        assertThrows(TestAbortedException.class, () -> SharedSamples.root(Map.of("CI", "false",
                SharedSamples.ENV, tmp.toString()), tmp), "a folder without samples");
    }

    @Test
    void aFolderWithTheSamplesIsUsedAsItIs() throws IOException {
        Files.createDirectories(tmp.resolve("claude-stream-json"));
        assertEquals(tmp.toAbsolutePath().normalize(), SharedSamples.root(Map.of("CI", "true",
                SharedSamples.ENV, tmp + "/./"), tmp));
    }

    @Test
    void theProjectsOwnCopyIsFoundFromItsBaseDirectory() throws IOException {
        Path samples = Files.createDirectories(tmp.resolve("src/test/resources/samples/claude-stream-json"))
                .getParent();
        assertEquals(samples, SharedSamples.root(Map.of("CI", "true"), tmp));
    }

    @Test
    void theShippedSamplesAreThere() {
        Path root = SharedSamples.root(Map.of("CI", "true"), Path.of("").toAbsolutePath());
        assertTrue(Files.isRegularFile(root.resolve("SOURCES.md")), root.toString());
        assertTrue(SharedSamples.realTranscripts().size() > 20, "real transcripts shipped");
    }
}
