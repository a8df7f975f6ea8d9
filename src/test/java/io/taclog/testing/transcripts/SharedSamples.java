package io.taclog.testing.transcripts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared folder of REAL transcripts ({@code TACLOG_SHARED_SAMPLES}, set by the pom to
 * {@code ../shared/research/samples}). Tests read the files in place and never copy or change them. When the
 * folder is missing, a test fails loudly under {@code CI=true} and is skipped with a printed notice otherwise.
 */
public final class SharedSamples {

    public static final String ENV = "TACLOG_SHARED_SAMPLES";

    private SharedSamples() {
    }

    /** The samples folder, or a failure (CI) / an aborted test (elsewhere) when it is not there. */
    public static Path root() {
        return root(System.getenv());
    }

    /** As {@link #root()}, reading {@code TACLOG_SHARED_SAMPLES} and {@code CI} from {@code env}. */
    static Path root(Map<String, String> env) {
        String value = env.get(ENV);
        Path p = value == null || value.isBlank() ? null : Path.of(value).toAbsolutePath().normalize();
        if (p != null && Files.isDirectory(p.resolve("claude-stream-json"))) {
            return p;
        }
        String why = ENV + (p == null ? " is not set" : " points at " + p + ", which holds no samples")
                + ": the real transcript samples (../shared/research/samples) are needed";
        if ("true".equalsIgnoreCase(env.get("CI"))) {
            throw new AssertionError(why + " and CI=true, so this is a failure, not a skip");
        }
        System.out.println("NOTICE: skipping tests on real transcripts: " + why);
        Assumptions.abort(why);
        throw new IllegalStateException("unreachable");
    }

    public static Path file(String relative) {
        Path f = root().resolve(relative);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("shared sample missing: " + f);
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
