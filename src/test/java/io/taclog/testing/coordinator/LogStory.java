package io.taclog.testing.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes a coordinator.log the way the coordinator does (appending bytes; whole or partial lines). */
public final class LogStory {

    private final Path file;

    public LogStory(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends whole lines. */
    public LogStory lines(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return bytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Appends raw bytes (a block-buffered flush can end anywhere, even inside an emoji). */
    public LogStory bytes(byte[] b) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shell's {@code > coordinator.log} at a restart: the same file, emptied. */
    public LogStory truncate() {
        try {
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String... lines) {
        return String.join("\n", lines) + "\n";
    }
}
