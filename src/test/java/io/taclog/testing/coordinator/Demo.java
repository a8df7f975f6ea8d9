package io.taclog.testing.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo in samples/tac8-demo and its replay manifest (replay.tsv): the coordinator.log lines written
 * up to each step and the work-queue version written after them, at the step's local time.
 */
public final class Demo {

    public static final Path DIR = Path.of("samples/tac8-demo");
    public static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");

    /** One step of the story. */
    public record Step(String name, int logLines, Path snapshot, java.time.Instant at) {
    }

    private Demo() {
    }

    public static List<String> logLines() {
        try {
            return Files.readAllLines(DIR.resolve("coordinator.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Step> steps() {
        List<Step> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(DIR.resolve("replay.tsv"), StandardCharsets.UTF_8)) {
                if (l.startsWith("#") || l.isBlank()) {
                    continue;
                }
                String[] f = l.split("\t", -1);
                LocalDateTime t = LocalDateTime.parse(f[3], DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
                out.add(new Step(f[0], Integer.parseInt(f[1]), f[2].isEmpty() ? null : DIR.resolve(f[2]),
                        t.atZone(ZONE).toInstant()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
