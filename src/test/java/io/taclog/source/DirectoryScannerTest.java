package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a tail source follows. */
class DirectoryScannerTest {

    @TempDir
    Path tmp;

    @Test
    void matchesPatternsWithoutSlashAgainstTheFileNameAndOthersAgainstTheRelativePath() {
        DirectoryScanner s = new DirectoryScanner(List.of(tmp), true, List.of("*.jsonl", "logs/*.log"),
                List.of("*.tmp.jsonl", "skip/**"));
        assertTrue(s.accepts(Path.of("a.jsonl")));
        assertTrue(s.accepts(Path.of("deep/er/a.jsonl")), "a name pattern matches at any depth");
        assertTrue(s.accepts(Path.of("logs/coordinator.log")));
        assertFalse(s.accepts(Path.of("other/coordinator.log")), "a path pattern is anchored at the root");
        assertFalse(s.accepts(Path.of("x.tmp.jsonl")));
        assertFalse(s.accepts(Path.of("skip/a.jsonl")));
        assertFalse(s.accepts(Path.of("notes.txt")));
    }

    @Test
    void listsMatchingFilesSortedAndFollowsASingleFileRootAsGiven() throws IOException {
        Files.createDirectories(tmp.resolve("d/sub"));
        Files.writeString(tmp.resolve("d/b.jsonl"), "");
        Files.writeString(tmp.resolve("d/a.jsonl"), "");
        Files.writeString(tmp.resolve("d/sub/c.jsonl"), "");
        Files.writeString(tmp.resolve("d/n.txt"), "");
        Files.writeString(tmp.resolve("single.log"), "");
        DirectoryScanner s = new DirectoryScanner(List.of(tmp.resolve("d"), tmp.resolve("single.log"),
                tmp.resolve("missing")), true, List.of("*.jsonl"), List.of());
        assertEquals(List.of(tmp.resolve("d/a.jsonl"), tmp.resolve("d/b.jsonl"), tmp.resolve("d/sub/c.jsonl"),
                tmp.resolve("single.log")), s.list());
    }

    @Test
    void doesNotDescendWhenNotRecursive() throws IOException {
        Files.createDirectories(tmp.resolve("sub"));
        Files.writeString(tmp.resolve("top.jsonl"), "");
        Files.writeString(tmp.resolve("sub/deep.jsonl"), "");
        assertEquals(List.of(tmp.resolve("top.jsonl")),
                new DirectoryScanner(List.of(tmp), false, List.of("*.jsonl"), List.of()).list());
    }
}
