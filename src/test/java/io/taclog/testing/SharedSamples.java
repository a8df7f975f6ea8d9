package io.taclog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The REAL sample files the tests read: shipped in the project under {@code src/test/resources/samples}
 * (byte for byte, sources in its {@code SOURCES.md}), so a fresh clone runs every test. {@code
 * TACLOG_SHARED_SAMPLES} may point at another copy (a newer research folder). Tests read the files in place
 * and never change them. When no copy is found, a test fails loudly under {@code CI=true} and is skipped
 * with a printed notice otherwise.
 */
public final class SharedSamples {

    public static final String ENV = "TACLOG_SHARED_SAMPLES";
    private static final Path SAMPLES = Path.of("src", "test", "resources", "samples");

    private SharedSamples() {
    }

    /** The samples folder, or a failure (CI) / an aborted test (elsewhere) when it is not there. */
    public static Path root() {
        return root(System.getenv(), Path.of("").toAbsolutePath());
    }

    /** As {@link #root()}, reading the environment from {@code env} and searching above {@code searchFrom}. */
    public static Path root(Map<String, String> env, Path searchFrom) {
        List<Path> candidates = new ArrayList<>();
        String value = env.get(ENV);
        if (value != null && !value.isBlank()) {
            candidates.add(Path.of(value).toAbsolutePath().normalize());
        }
        for (Path dir = searchFrom; dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve(SAMPLES));
        }
        for (Path p : candidates) {
            if (Files.isDirectory(p.resolve("claude-stream-json"))) {
                return p;
            }
        }
        String why = (value == null || value.isBlank() ? ENV + " is not set" : ENV + " points at " + value
                + ", which holds no samples") + " and no " + SAMPLES + " was found above " + searchFrom
                + ": the real samples shipped with the project are needed";
        if ("true".equalsIgnoreCase(env.get("CI"))) {
            throw new AssertionError(why + "; CI=true, so this is a failure, not a skip");
        }
        System.out.println("NOTICE: skipping tests on real samples: " + why);
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    /** A file or directory under the samples folder; it must exist. */
    public static Path require(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) {
            throw new AssertionError("shared sample missing: " + f);
        }
        return f;
    }

    public static Path file(String relative) {
        Path f = require(relative);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("shared sample is not a file: " + f);
        }
        return f;
    }

    /**
     * Every real (not CURATED) line-oriented transcript: Claude stream-json (plain and {"timestamp","raw"}
     * wrapped, .jsonl and .ndjson), Claude session files (with the subagent file), Codex rollouts and codex
     * exec JSON. Gemini is curated only; whole-document JSON copies (cc_final_object.json, result_success.json)
     * are not line streams.
     */
    public static List<Path> realTranscripts() {
        Path root = root();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        return (n.endsWith(".jsonl") || n.endsWith(".ndjson")) && !n.contains("CURATED");
                    })
                    .filter(f -> !root.relativize(f).startsWith("gemini-cli") && !root.relativize(f).startsWith("tac8"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
