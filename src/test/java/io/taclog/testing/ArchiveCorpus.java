package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database whose facts span many months, built once per test run: the demo's coordinator story moved so that
 * 2026-02-01T00:00Z falls in the middle of it ({@link ShiftedDemo}: the session, two tasks and a worker start in
 * January and go on in February, and a tool call of worker w-5d8f02 is answered across the boundary), plus every real
 * transcript of the shared samples (June 2025 to August 2026; stream-json lines without times are dated when read).
 */
public final class ArchiveCorpus {

    /** The demo's instant that lands on the month boundary: between w-5d8f02's last tool call and its result. */
    public static final Instant PIVOT = Instant.parse("2025-11-05T17:02:33Z");
    public static final Instant BOUNDARY = Instant.parse("2026-02-01T00:00:00Z");

    private static Path db;
    private static List<String> sources;

    private ArchiveCorpus() {
    }

    /** The built database (never change it: copy it with {@link #copyTo}). */
    public static synchronized Path db() {
        if (db == null) {
            try {
                Path dir = Files.createTempDirectory("taclog-archive-corpus-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                ShiftedDemo demo = ShiftedDemo.write(dir.resolve("demo"), PIVOT, BOUNDARY);
                List<String> src = new ArrayList<>(demo.sourceArgs());
                for (Path t : SharedSamples.realTranscripts()) {
                    src.add("--watch");
                    src.add(t.toString());
                }
                Path file = dir.resolve("corpus.db");
                List<String> args = new ArrayList<>(List.of("backfill", "--db", file.toString(), "--no-progress"));
                args.addAll(src);
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, r.code(), () -> "corpus backfill failed:\n" + r.out() + r.err());
                sources = List.copyOf(src);
                db = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return db;
    }

    /** The source flags of the backfill (for validate). */
    public static synchronized List<String> sources() {
        db();
        return sources;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory: the system cleans it up eventually
        }
    }

    /** The sources of the backfill as configuration keys (for a sidecar that follows the same files). */
    public static Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> src = sources();
        List<String> watch = new ArrayList<>();
        for (int i = 0; i < src.size(); i += 2) {
            switch (src.get(i)) {
                case "--watch" -> watch.add(src.get(i + 1));
                case "--coordinator-events" -> out.put("taclog.coordinator.events", src.get(i + 1));
                case "--set" -> {
                    String[] kv = src.get(i + 1).split("=", 2);
                    out.put(kv[0], kv[1]);
                }
                default -> throw new IllegalStateException(src.get(i));
            }
        }
        out.put("taclog.watch", String.join(",", watch));
        return out;
    }

    /** A private copy of the database at {@code dir/taclog.db}. */
    public static Path copyTo(Path dir) {
        try {
            Path target = dir.resolve("taclog.db");
            Files.copy(db(), target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
