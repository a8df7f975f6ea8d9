package io.taclog.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo database: the bundled samples (samples/taclog.properties) backfilled once per JVM into a
 * temporary file, exactly as the README's first command does.
 */
final class DemoDatabase {

    private static Path db;

    private DemoDatabase() {
    }

    static synchronized Path path() throws Exception {
        if (db == null) {
            Path dir = Files.createTempDirectory("taclog-demo-");
            db = dir.resolve("demo.db");
            Run r = run("backfill", "--config", "samples/taclog.properties", "--db", db.toString(), "--no-progress");
            assertEquals(0, r.code(), () -> "demo backfill failed:\n" + r.out() + r.err());
        }
        return db;
    }

    /** What one CLI run printed and returned. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
