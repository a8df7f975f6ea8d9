package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors exit 2 with a message, before anything touches a database. */
class MainTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exitsWithUsageForAnUnknownFlag() {
        Run r = run("backfill", "--no-such-flag");
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
        Run r = run("backfill", "--db", db.toString(), "--set", "taclog.batch.max-lines=0");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("taclog.batch.max-lines = '0'"), r.err());
        assertTrue(!Files.exists(db), "nothing was created");
        r = run("run", "--db", db.toString(), "--set", "taclog.wtach=/tmp");
        assertEquals(Main.USAGE, r.code());
        assertTrue(r.err().contains("unknown key"), r.err());
    }

    @Test
    void printsHelpAndVersion() {
        Run help = run("--help");
        assertEquals(Main.OK, help.code());
        assertTrue(help.out().contains("backfill"), help.out());
        Run version = run("--version");
        assertEquals(Main.OK, version.code());
        assertTrue(version.out().startsWith("taclog "), version.out());
    }
}
