package io.taclog.testing.transcripts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Our own synthetic transcripts in the real shapes, under {@code src/test/resources/fixtures/transcripts/}
 * (see the README there). Never copies of the shared real samples.
 */
public final class Fixtures {

    private static final String ROOT = "fixtures/transcripts/";

    private Fixtures() {
    }

    /** The lines of a fixture, without their newlines. */
    public static List<String> lines(String name) {
        return Arrays.asList(text(name).split("\n"));
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new AssertionError("test fixture missing: " + ROOT + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a fixture to {@code target} (creating directories), as a worker would have written it. */
    public static Path copy(String name, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, text(name), StandardCharsets.UTF_8);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines joined back into whole {@code \n}-terminated lines. */
    public static String join(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}
