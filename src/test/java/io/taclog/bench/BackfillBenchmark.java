package io.taclog.bench;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.TaclogConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Backfill throughput on a generated corpus of real-shaped transcripts, through the real Camel routes.
 * Prints MB/s, lines/s, peak heap and the database size. Not a test: run it with
 * {@code mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.BackfillBenchmark -Dexec.args="--mb 300 --files 100"}.
 */
public final class BackfillBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        long mb = Long.parseLong(a.getOrDefault("--mb", "300"));
        int files = Integer.parseInt(a.getOrDefault("--files", "100"));
        Path dir = Files.createTempDirectory("taclog-bench-");
        Path corpus = dir.resolve("corpus");
        long[] written = new CorpusGenerator(42).write(corpus, files, mb * 1_000_000L);
        System.out.printf("corpus: %d files, %,d lines, %.1f MB%n", files, written[0], written[1] / 1e6);
        Map<String, String> cfg = new HashMap<>();
        cfg.put("taclog.db", dir.resolve("bench.db").toString());
        cfg.put("taclog.watch", corpus.toString());
        a.forEach((k, v) -> {
            if (k.startsWith("taclog.")) {
                cfg.put(k, v);
            }
        });
        TaclogConfig config = TaclogConfig.load(Optional.empty(), cfg);
        resetPeaks();
        long t0 = System.nanoTime();
        try (IngestRuntime rt = IngestRuntime.openBackfill(config)) {
            CamelSidecar sidecar = new CamelSidecar(rt);
            long tStart = System.nanoTime();
            sidecar.start();
            rt.monitor().awaitDrained(Duration.ofHours(2), () -> { });
            long tEnd = System.nanoTime();
            sidecar.stop();
            double s = (tEnd - tStart) / 1e9;
            long bytes = rt.monitor().bytes();
            long lines = rt.monitor().lines();
            System.out.printf("backfill: %.1f MB, %,d lines in %.2f s => %.1f MB/s, %,.0f lines/s, %d batches%n",
                    bytes / 1e6, lines, s, bytes / 1e6 / s, lines / s, rt.monitor().batches());
        }
        long total = System.nanoTime() - t0;
        System.out.printf("wall time including start and migration: %.2f s%n", total / 1e9);
        System.out.printf("peak heap: %.0f MB (max heap %.0f MB)%n", peakHeap() / 1e6,
                Runtime.getRuntime().maxMemory() / 1e6);
        System.out.printf("database: %.1f MB%n", Files.size(dir.resolve("bench.db")) / 1e6);
        System.out.println("work dir (delete when done): " + dir);
    }

    static Map<String, String> args(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            m.put(args[i], args[i + 1]);
        }
        return m;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks (an upper bound of the peak heap in use). */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
