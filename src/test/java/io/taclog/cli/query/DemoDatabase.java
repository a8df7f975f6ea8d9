package io.taclog.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.testing.CliRun;
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
            CliRun r = run("backfill", "--config", "samples/taclog.properties", "--db", db.toString(), "--no-progress");
            assertEquals(0, r.code(), () -> "demo backfill failed:\n" + r.out() + r.err());
        }
        return db;
    }

    static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
