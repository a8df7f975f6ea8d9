package io.taclog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's coordinator story told as JSONL events ({@code samples/tac8-demo}: events.jsonl, the worker logs, the
 * Claude session files), copied with every time moved by one fixed duration, so that a month boundary falls inside
 * it: the story starts on the last day of one month and ends on the first of the next. Every recorded time in the
 * files moves ({@code ts}, {@code timestamp}, {@code start_time}, {@code end_time}), so the stored facts keep their
 * order and distances.
 */
public final class ShiftedDemo {

    public static final Path DEMO = Path.of("samples/tac8-demo");
    public static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss[.SSSSSS]");

    private final Path root;

    private ShiftedDemo(Path root) {
        this.root = root;
    }

    /**
     * Writes the shifted copy under {@code root} so that the demo's instant {@code pivot} lands on {@code boundary}
     * (e.g. 17:02:33 of the demo's day, between a tool call of worker w-5d8f02 and its result, onto the first instant
     * of a month).
     */
    public static ShiftedDemo write(Path root, Instant pivot, Instant boundary) {
        Duration shift = Duration.between(pivot, boundary);
        try (Stream<Path> files = Files.walk(DEMO)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = DEMO.relativize(f);
                boolean wanted = rel.toString().equals("events.jsonl") || rel.startsWith("logs")
                        || rel.startsWith("projects");
                if (!wanted || !f.toString().endsWith(".jsonl")) {
                    continue;
                }
                Path out = root.resolve(rel.toString());
                Files.createDirectories(out.getParent());
                byte[] in = Files.readAllBytes(f);
                java.io.ByteArrayOutputStream shifted = new java.io.ByteArrayOutputStream(in.length + 1024);
                int start = 0;
                for (int i = 0; i <= in.length; i++) {
                    if (i == in.length || in[i] == '\n') {
                        if (i > start || i < in.length) {
                            shifted.write(shiftLine(java.util.Arrays.copyOfRange(in, start, i), shift));
                            if (i < in.length) {
                                shifted.write('\n');
                            }
                        }
                        start = i + 1;
                    }
                }
                Files.write(out, shifted.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ShiftedDemo(root);
    }

    /** A line that is not a JSON object (the demo's torn and NUL-filled lines) is copied byte for byte. */
    private static byte[] shiftLine(byte[] line, Duration shift) {
        try {
            JsonNode n = JSON.readTree(line);
            return n instanceof ObjectNode o ? shift(o, shift).getBytes(StandardCharsets.UTF_8) : line;
        } catch (IOException | RuntimeException e) {
            return line;
        }
    }

    private static String shift(ObjectNode o, Duration shift) throws IOException {
        for (String field : List.of("ts", "timestamp")) {
            JsonNode v = o.get(field);
            if (v != null && v.isTextual()) {
                o.put(field, shiftText(v.asText(), shift));
            }
        }
        for (String field : List.of("start_time", "end_time")) {
            JsonNode v = o.get(field);
            if (v != null && v.isNumber()) {
                o.put(field, v.decimalValue().add(BigDecimal.valueOf(shift.toMillis(), 3)));
            }
        }
        return JSON.writeValueAsString(o);
    }

    /** An ISO time with 'Z' or an offset keeps its form; a naive local time is read and written in the demo's zone. */
    private static String shiftText(String t, Duration shift) {
        if (t.endsWith("Z")) {
            return Instant.parse(t).plus(shift).toString();
        }
        if (t.length() > 19 && (t.charAt(t.length() - 6) == '+' || t.charAt(t.length() - 6) == '-')) {
            OffsetDateTime o = OffsetDateTime.parse(t);
            return o.plus(shift).toString();
        }
        LocalDateTime local = LocalDateTime.parse(t, NAIVE);
        return local.atZone(ZONE).plus(shift).withZoneSameInstant(ZONE).toLocalDateTime().format(NAIVE);
    }

    public Path root() {
        return root;
    }

    /** The arguments of a backfill of the shifted demo (events, worker logs, session files). */
    public List<String> sourceArgs() {
        return List.of("--coordinator-events", root.resolve("events.jsonl").toString(), "--watch",
                root.resolve("logs").toString(), "--watch", root.resolve("projects").toString(), "--set",
                "taclog.coordinator.timezone=" + ZONE.getId());
    }
}
