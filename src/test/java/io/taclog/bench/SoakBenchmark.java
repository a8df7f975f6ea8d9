package io.taclog.bench;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Jsonl;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Soak: the sidecar ({@code run} mode, product defaults) follows N writers, each appending to M files that it
 * rotates logrotate-style (rename to {@code .1}, {@code .2}, ..., a new file under the old name; the oldest
 * deleted), for a set time. Every interval it prints lines written and committed, commit rate, RSS, open
 * file descriptors, WAL size and heap: memory and descriptors must stay flat. Not a test: figures for
 * docs/performance.md.
 *
 * <p>{@code mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.SoakBenchmark -Dexec.args="--writers 4 --files 5 --rate 500 --seconds 300"}.
 */
public final class SoakBenchmark {

    private static final int KEEP_ROTATED = 3;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        int writers = Integer.parseInt(a.getOrDefault("--writers", "4"));
        int files = Integer.parseInt(a.getOrDefault("--files", "5"));
        int rate = Integer.parseInt(a.getOrDefault("--rate", "500")); // lines per second per writer
        int seconds = Integer.parseInt(a.getOrDefault("--seconds", "300"));
        int every = Integer.parseInt(a.getOrDefault("--report-seconds", "15"));
        long rotateBytes = Long.parseLong(a.getOrDefault("--rotate-bytes", "2000000"));
        Path dir = Files.createTempDirectory("taclog-soak-");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path db = dir.resolve("soak.db");
        Map<String, String> cfg = new HashMap<>();
        cfg.put("taclog.db", db.toString());
        cfg.put("taclog.watch", logs.toString());
        AtomicLong written = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (IngestRuntime rt = IngestRuntime.open(TaclogConfig.load(Optional.empty(), cfg), false)) {
            CamelSidecar sidecar = new CamelSidecar(rt);
            sidecar.start();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(logs, writer, files, rate, rotateBytes, end, written),
                        "soak-" + w);
                t.start();
                threads.add(t);
            }
            System.out.printf("soak: %d writers x %d files, %d lines/s each, rotation every %,d bytes, %d s%n",
                    writers, files, rate, rotateBytes, seconds);
            System.out.println("| s | written | committed | lines/s (interval) | RSS MB | open fds | WAL MB "
                    + "| heap MB |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
            long start = System.nanoTime();
            long lastCommitted = 0;
            long lastNanos = start;
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(every * 1_000_000_000L);
                long now = System.nanoTime();
                long committed = rt.monitor().lines();
                report(now - start, written.get(), committed, (committed - lastCommitted) / ((now - lastNanos) / 1e9),
                        db);
                lastCommitted = committed;
                lastNanos = now;
            }
            for (Thread t : threads) {
                t.join();
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (rt.monitor().lines() < written.get() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000_000L);
            }
            report(System.nanoTime() - start, written.get(), rt.monitor().lines(), 0, db);
            System.out.printf("written %,d, committed %,d, rejected %,d%n", written.get(), rt.monitor().lines(),
                    rt.monitor().rejected());
            sidecar.stop();
        }
        System.out.println("work dir (delete when done): " + dir);
    }

    private static void write(Path logs, int writer, int files, int rate, long rotateBytes, long end,
                              AtomicLong written) {
        Random rnd = new Random(writer);
        try {
            OutputStream[] out = new OutputStream[files];
            long[] size = new long[files];
            long[] seq = new long[files];
            for (int f = 0; f < files; f++) {
                out[f] = open(logs, writer, f);
            }
            long tick = 10_000_000L;
            int perTick = Math.max(1, rate / 100);
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int i = 0; i < perTick; i++) {
                    int f = rnd.nextInt(files);
                    byte[] line = Jsonl.line("w" + writer + "f" + f, seq[f]++, 200 + rnd.nextInt(1_800));
                    out[f].write(line);
                    size[f] += line.length;
                    written.incrementAndGet();
                    if (size[f] > rotateBytes) {
                        out[f].close();
                        rotate(logs, writer, f);
                        out[f] = open(logs, writer, f);
                        size[f] = 0;
                    }
                }
                for (OutputStream o : out) {
                    o.flush();
                }
                next += tick;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
            for (OutputStream o : out) {
                o.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream open(Path logs, int writer, int f) throws IOException {
        return new java.io.BufferedOutputStream(Files.newOutputStream(logs.resolve(name(writer, f, 0)),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    private static String name(int writer, int f, int generation) {
        return "w" + writer + "-" + f + ".jsonl" + (generation == 0 ? "" : "." + generation);
    }

    /** logrotate: .2 -> .3 (the oldest dropped), .1 -> .2, the live file -> .1. */
    private static void rotate(Path logs, int writer, int f) throws IOException {
        Files.deleteIfExists(logs.resolve(name(writer, f, KEEP_ROTATED)));
        for (int g = KEEP_ROTATED - 1; g >= 0; g--) {
            Path from = logs.resolve(name(writer, f, g));
            if (Files.exists(from)) {
                Files.move(from, logs.resolve(name(writer, f, g + 1)));
            }
        }
    }

    private static void report(long elapsedNanos, long written, long committed, double rate, Path db) {
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        } catch (IOException e) {
            fds = -1;
        }
        Path wal = Path.of(db + "-wal");
        long walBytes;
        try {
            walBytes = Files.exists(wal) ? Files.size(wal) : 0;
        } catch (IOException e) {
            walBytes = -1;
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("| %d | %,d | %,d | %,.0f | %d | %d | %.1f | %d |%n", elapsedNanos / 1_000_000_000L, written,
                committed, rate, rssMb(), fds, walBytes / 1e6, heap / 1_000_000);
    }

    private static long rssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
