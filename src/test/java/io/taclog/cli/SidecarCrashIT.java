package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.sink.Database;
import io.taclog.testing.Await;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through real crashes: {@code taclog run} as a separate process, SIGKILLed again and again at
 * random moments while a writer appends tens of thousands of lines of varied size to many files that it
 * rotates by rename; in the end every line written is in the ledger once, the committed ranges of every
 * file are contiguous, and {@code taclog validate} proves the ledger against the raw files.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SidecarCrashIT {

    private static final int FILES = 20;
    private static final int LINES = 30_000;
    private static final int KILLS = 6;
    /** The writer stays at most this many lines ahead of what is committed, so every kill lands mid-ingest. */
    private static final long MAX_LAG = 4_000;

    @TempDir
    Path tmp;
    Path watch;
    Path db;
    Path log;
    Process process;
    int starts;
    Writer writer;

    @AfterEach
    void killLeftoverAndKeepTheLog() throws InterruptedException, IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Path target = Path.of("target");
        if (log != null && Files.exists(log) && Files.isDirectory(target)) {
            Files.copy(log, target.resolve("SidecarCrashIT-sidecar.log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void survivesRepeatedSigkillsWithoutLosingOrDuplicatingALine() throws Exception {
        Path built = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(built), "the packaged jar " + built + " (run after `package`)");
        Path jar = Files.copy(built, tmp.resolve("taclog.jar")); // a rebuild of target/ must not swap it mid-test
        watch = Files.createDirectories(tmp.resolve("logs"));
        db = tmp.resolve("taclog.db");
        log = tmp.resolve("sidecar.log");
        long seed = Long.getLong("taclog.crash.seed", System.nanoTime());
        System.out.println("SidecarCrashIT seed " + seed + " (rerun with -Dtaclog.crash.seed=" + seed + ")");
        Random rnd = new Random(seed);

        writer = new Writer(rnd.nextLong());
        Thread writing = new Thread(writer, "crash-test-writer");
        writing.start();
        try {
            start(jar);
            kill(); // once while it boots and migrates
            for (int k = 0; k < KILLS; k++) {
                start(jar);
                long target = committed() + 1 + rnd.nextInt(3_000);
                Await.until(Duration.ofSeconds(60), () -> committed() >= target || writer.done(),
                        () -> "the sidecar commits up to " + target + " lines (committed " + committed() + ")");
                kill();
            }
            start(jar);
            Await.until(Duration.ofSeconds(90), writer::done,
                    () -> "the writer finishes (" + writer.written.get() + " lines written)");
            writer.rethrow();
            kill(); // the last crash, after the writer stopped
            start(jar);
            long written = writer.written.get();
            Await.until(Duration.ofSeconds(60), () -> committed() >= written,
                    () -> "the ledger holds all " + written + " lines (it holds " + committed() + ")");
            // a rename in the writer's last moments is read through the open file before a scan has seen the new
            // name: the registry catches up at its next scan
            Await.until(Duration.ofSeconds(30), this::everyFileOnDiskIsRegisteredUnderItsName,
                    "every file on disk registered under its current name");
            stopGracefully();
        } finally {
            writer.stop = true;
            writing.join(TimeUnit.SECONDS.toMillis(30));
        }

        long written = writer.written.get();
        assertEquals(LINES, written);
        assertTrue(starts >= KILLS + 2, "killed " + (starts - 1) + " times");
        assertEquals(written, committed(), "every line written is in the ledger exactly once");

        Ledger l = Ledger.read(db).assertConsistent(); // contiguous, non-overlapping committed ranges per file
        assertTrue(l.generations().stream().noneMatch(g -> g.state().equals("superseded")),
                "nothing was truncated, so no generation may have been restarted: " + l.generations());
        List<Path> onDisk;
        try (Stream<Path> files = Files.list(watch)) {
            // a rotation at the very end leaves a new, empty live file: nothing to read, so no generation
            onDisk = files.filter(p -> p.toString().endsWith(".jsonl")).filter(p -> p.toFile().length() > 0)
                    .sorted().toList();
        }
        assertEquals(onDisk.size(), l.generations().size(), "one generation per file with content on disk");
        for (Path p : onDisk) {
            assertEquals(Files.size(p), l.current(p).committedOffset(), p + " is committed to its end");
        }
        for (Map<String, Object> overlap : Sql.rows(db, "SELECT a.file_id, a.start_offset, b.start_offset AS other "
                + "FROM ingest_commits a JOIN ingest_commits b ON a.file_id = b.file_id "
                + "AND a.start_offset < b.start_offset AND b.start_offset < a.end_offset")) {
            throw new AssertionError("overlapping committed ranges: " + overlap);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"validate", "--db", db.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, "taclog validate: " + out.toString(StandardCharsets.UTF_8));
    }

    private boolean everyFileOnDiskIsRegisteredUnderItsName() {
        try (Stream<Path> files = Files.list(watch)) {
            List<Path> withContent = files.filter(p -> p.toString().endsWith(".jsonl"))
                    .filter(p -> p.toFile().length() > 0).toList();
            Ledger l = Ledger.read(db);
            return withContent.stream().allMatch(p -> l.at(p).stream().anyMatch(g -> !"superseded".equals(g.state())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(Path jar) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run",
                "--db", db.toString(), "--watch", watch.toString(),
                "--set", "taclog.batch.max-wait-ms=50", "--set", "taclog.scan-interval-ms=100");
        pb.environment().put("TACLOG_LOG_LEVEL", "INFO");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "=== start " + (++starts) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = pb.start();
    }

    /** SIGKILL (destroyForcibly is SIGKILL on Linux): no shutdown hook, no rollback, no checkpoint. */
    private void kill() throws InterruptedException {
        assertTrue(process.isAlive(), "the sidecar is still running before the kill; see " + log);
        System.out.printf("kill -9 #%d: %d lines committed, %d written%n", starts, committed(),
                writer.written.get());
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    private void stopGracefully() throws InterruptedException {
        process.destroy(); // SIGTERM: Camel shuts the routes down, the database is checkpointed and closed
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "graceful stop");
    }

    /**
     * Lines committed so far (0 before the sidecar created its database). Read-only, and one connection at a
     * time: the test thread and the writer thread both ask, and a read-write connection closing in one thread
     * while another opened hung both inside SQLite's native close/open once (a WAL left by a SIGKILL).
     */
    private synchronized long committed() {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = Database.openReadOnly(db, 10_000)) {
            return Sql.scalar(c, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
        } catch (SQLException e) {
            return 0; // not created or not migrated yet
        }
    }

    /** Appends LINES lines to FILES files, rotating them by rename to names that still match *.jsonl. */
    private final class Writer implements Runnable {
        final Random rnd;
        final AtomicLong written = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean finished;
        volatile boolean stop;

        Writer(long seed) {
            this.rnd = new Random(seed);
        }

        boolean done() {
            return finished;
        }

        void rethrow() {
            if (failure.get() != null) {
                throw new AssertionError("the writer failed", failure.get());
            }
        }

        @Override
        public void run() {
            List<LogWriter> current = new ArrayList<>();
            int[] rotations = new int[FILES];
            long[] seq = new long[FILES];
            try {
                for (int i = 0; i < FILES; i++) {
                    current.add(LogWriter.append(watch.resolve("w" + i + ".jsonl"), "w" + i));
                }
                while (written.get() < LINES && !stop) {
                    if (written.get() % 100 == 0) {
                        long w = written.get();
                        Await.until(Duration.ofSeconds(120), () -> stop || w - committed() < MAX_LAG,
                                "the sidecar catches up with the writer");
                    }
                    int f = rnd.nextInt(FILES);
                    int size = rnd.nextInt(100) < 8 ? 10_000 + rnd.nextInt(30_000) : 200 + rnd.nextInt(1_800);
                    current.get(f).raw(Jsonl.line("w" + f, seq[f]++, size));
                    written.incrementAndGet();
                    if (rnd.nextInt(400) == 0) {
                        Path live = watch.resolve("w" + f + ".jsonl");
                        Files.move(live, watch.resolve("w" + f + ".r" + (++rotations[f]) + ".jsonl"));
                        LogWriter old = current.get(f);
                        for (int late = rnd.nextInt(4); late > 0 && written.get() < LINES; late--) {
                            old.raw(Jsonl.line("w" + f, seq[f]++, 200 + rnd.nextInt(1_800))); // to the old fd
                            written.incrementAndGet();
                        }
                        old.close();
                        current.set(f, LogWriter.append(live, "w" + f));
                    }
                }
            } catch (IOException e) {
                failure.set(new UncheckedIOException(e));
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                current.forEach(LogWriter::close);
                finished = true;
            }
        }
    }
}
