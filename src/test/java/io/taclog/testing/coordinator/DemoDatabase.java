package io.taclog.testing.coordinator;

import io.taclog.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's databases, made once per test run exactly as the README says (the backfill command over
 * samples/taclog.properties), but into a temporary directory.
 */
public final class DemoDatabase {

    /** A finished backfill: its database and what the command printed. */
    public record Built(Db db, int code, String out, String err, long millis) {
    }

    private static Built tac8;
    private static Built tac8Split;
    private static Built events;

    private DemoDatabase() {
    }

    /** The TAC-8 shapes: coordinator.log, tasks.md, config.toml, worker logs and session files. */
    public static synchronized Built tac8() {
        if (tac8 == null) {
            tac8 = build("samples/taclog.properties", "demo.db");
        }
        return tac8;
    }

    /** The TAC-8 demo in the split layout: the conversations in a second file, in a directory of its own. */
    public static synchronized Built tac8Split() {
        if (tac8Split == null) {
            tac8Split = build("samples/taclog.properties", "demo-split.db", "external/conversations.db");
        }
        return tac8Split;
    }

    /** The same story as JSONL events, with the same transcripts. */
    public static synchronized Built events() {
        if (events == null) {
            events = build("samples/taclog-events.properties", "demo-events.db");
        }
        return events;
    }

    private static Built build(String config, String name) {
        return build(config, name, null);
    }

    private static Built build(String config, String name, String conversations) {
        try {
            Path dir = Files.createTempDirectory("taclog-demo");
            Path db = dir.resolve(name);
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("backfill", "--config", config,
                    "--db", db.toString(), "--no-progress"));
            if (conversations != null) {
                Path file = dir.resolve(conversations);
                Files.createDirectories(file.getParent());
                args.addAll(java.util.List.of("--set", "taclog.db.conversations=" + file));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            long t0 = System.nanoTime();
            int code = Main.run(args.toArray(String[]::new),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                            StandardCharsets.UTF_8));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new Built(new Db(db), code, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8),
                    millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
