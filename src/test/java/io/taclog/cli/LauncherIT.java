package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/taclog} as the README tells a user to run it, after {@code package}: through a link from another
 * folder, with the class-data-sharing archive and the SQLite library the build left in {@code target/}.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin/taclog").toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int code, String out) {
    }

    private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", tmp.resolve("bin/taclog").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(tmp.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private void linkLauncher() throws IOException {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"), "a bash launcher");
        assertTrue(Files.isRegularFile(Path.of("target/taclog.jar")), "run after `package`");
        Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(tmp.resolve("bin/taclog"), LAUNCHER);
    }

    @Test
    void aLinkedLauncherFindsTheJarAndAnswersAQuery() throws Exception {
        linkLauncher();
        Result version = run(Map.of(), "--version");
        assertEquals(0, version.code(), version.out());
        assertTrue(version.out().contains("taclog"), version.out());

        Path db = tmp.resolve("empty.db");
        Result migrate = run(Map.of(), "migrate", "--db", db.toString());
        assertEquals(0, migrate.code(), migrate.out());
        Result cost = run(Map.of(), "query", "cost", "--by", "day", "--format", "json", "--db", db.toString());
        assertEquals(0, cost.code(), cost.out());
        assertTrue(cost.out().trim().startsWith("{") || cost.out().trim().startsWith("["), cost.out());
    }

    @Test
    void theBuildsClassDataArchiveServesTheClassesOfAQuery() throws Exception {
        linkLauncher();
        Path jsa = Path.of("target/taclog.jsa");
        assumeTrue(Files.isRegularFile(jsa), "the archive is made by `package` unless -Dtaclog.cds.skip=true");
        Result r = run(Map.of("TACLOG_JAVA_OPTS", "-Xlog:class+load=info"), "--version");
        assertEquals(0, r.code(), r.out());
        // classes of taclog itself come from the dynamic archive, not from the jar
        assertTrue(r.out().lines().anyMatch(l -> l.contains("io.taclog.cli.Main") && l.contains("shared objects file")),
                "io.taclog.cli.Main loaded from the archive:\n" + r.out().lines().filter(l -> l.contains("io.taclog"))
                        .limit(5).toList());
    }
}
