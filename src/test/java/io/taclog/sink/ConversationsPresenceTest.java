package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the watch of the split layout's conversations file calls gone: by path and by file identity. */
class ConversationsPresenceTest {

    @TempDir
    Path tmp;

    @Test
    void theSameWritableFileIsThere() throws Exception {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("disk")).resolve("c.db"), "x");
        assertNull(ConversationsPresence.goneBecause(file, ConversationsPresence.fileKey(file)));
    }

    @Test
    void aMovedDirectoryIsGone() throws Exception {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("disk")).resolve("c.db"), "x");
        Object key = ConversationsPresence.fileKey(file);
        Files.move(tmp.resolve("disk"), tmp.resolve("aside"));
        assertTrue(ConversationsPresence.goneBecause(file, key).contains("not there any more"));
        Files.createDirectory(tmp.resolve("disk")); // an empty mount point
        assertTrue(ConversationsPresence.goneBecause(file, key).contains("not there any more"));
    }

    @Test
    void anotherFileAtThePathIsGone() throws Exception {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("disk")).resolve("c.db"), "x");
        Object key = ConversationsPresence.fileKey(file);
        Path copy = Files.copy(file, tmp.resolve("copy.db"));
        Files.delete(file);
        Files.move(copy, file); // the same name and content, another file
        assertTrue(ConversationsPresence.goneBecause(file, key).contains("another file"));
    }

    @Test
    void aDirectoryAtThePathIsGone() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("disk/c.db"));
        assertTrue(ConversationsPresence.goneBecause(file, null).contains("no longer a file"));
    }
}
