package io.taclog.rawarchive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forcing what a crash must not undo: a file's bytes, a directory's entries (a new name). */
final class Durable {

    private Durable() {
    }

    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // some file systems cannot force a directory; the files themselves are on disk
        }
    }
}
