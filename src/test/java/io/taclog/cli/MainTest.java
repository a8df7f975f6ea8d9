package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors exit 2 with a message, before anything touches a database. */
class MainTest {

    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void exitsWithUsageForAnUnknownFlag() {
        CliRun r = run("backfill", "--no-such-flag");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("--no-such-flag"), r.err());
    }

    @Test
    void exitsWithUsageForAnUnknownCommand() {
        assertEquals(Main.USAGE, run("frobnicate").code());
    }

    @Test
    void exitsWithUsageForBadConfigurationNamingKeyAndValue() {
        Path db = tmp.resolve("never.db");
        CliRun r = run("backfill", "--db", db.toString(), "--set", "taclog.batch.max-lines=0");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("taclog.batch.max-lines = '0'"), r.err());
        assertTrue(!Files.exists(db), "nothing was created");
        r = run("run", "--db", db.toString(), "--set", "taclog.wtach=/tmp");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("unknown key"), r.err());
    }

    @Test
    void printsHelpAndVersion() {
        CliRun help = run("--help");
        assertEquals(Main.OK, help.code());
        assertTrue(help.out().contains("backfill"), help.out());
        CliRun version = run("--version");
        assertEquals(Main.OK, version.code());
        assertTrue(version.out().startsWith("taclog "), version.out());
    }
}
