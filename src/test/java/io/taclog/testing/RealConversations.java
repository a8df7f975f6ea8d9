package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A database of REAL conversations: the shipped Claude session files and Codex rollouts ({@link SharedSamples})
 * backfilled once per JVM, as a user would; {@link #copy} gives each test its own file to change.
 */
public final class RealConversations {

    /** Text of a Bash tool result in a real Claude session file (sniffly-v1.0.17-fed8ce56...): `git remote -v`. */
    public static final String CLAUDE_TOOL_RESULT_WORDS = "chiphuyen/ai-music";
    /** An identifier in a shell tool's output in a real Codex rollout (commontools-rollout-...). */
    public static final String CODEX_TOOL_OUTPUT_WORD = "ConsumeGiftPack";

    private static Path db;

    private RealConversations() {
    }

    /** The backfilled database (shared: never change it, take a {@link #copy}). */
    public static synchronized Path shared() {
        if (db == null) {
            try {
                Path dir = Files.createTempDirectory("taclog-real-conversations-");
                Path file = dir.resolve("real.db");
                Path samples = SharedSamples.root();
                CliRun r = CliRun.of("backfill", "--db", file.toString(), "--no-progress",
                        "--watch", samples.resolve("claude-transcript").toString(),
                        "--watch", samples.resolve("codex-rollout").toString());
                assertEquals(0, r.code(), () -> "backfill of the real samples failed:\n" + r.out() + r.err());
                db = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return db;
    }

    /** A copy of the backfilled database in {@code dir}, for a test that writes. */
    public static Path copy(Path dir) {
        Path source = shared();
        Path target = dir.resolve("real.db");
        try {
            Files.copy(source, target);
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Path side = source.resolveSibling(source.getFileName() + suffix);
                if (Files.exists(side)) {
                    Files.copy(side, target.resolveSibling(target.getFileName() + suffix));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
