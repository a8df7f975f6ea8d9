package io.taclog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One measured run of a command: wall time, exit code, and peak resident memory of the process and its
 * children (the high-water mark {@code VmHWM} of /proc, read until the process ends).
 */
record Run(double seconds, int exit, long peakRssKb) {

    /** Runs {@code cmd} with {@code CLAUDE_CONFIG_DIR=claudeHome} when given, its output to {@code out}. */
    static Run of(List<String> cmd, Path claudeHome, Path out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(Path.of(out + ".err").toFile());
        if (claudeHome != null) {
            pb.environment().put("CLAUDE_CONFIG_DIR", claudeHome.toString());
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        AtomicLong peak = new AtomicLong();
        // VmHWM is a high-water mark, so a sample every 20 ms loses at most the growth of the last 20 ms; the
        // process table is walked for descendants only every 100 ms. Sampling every 5 ms and walking it each
        // time cost the measured process a tenth of a core on a 2-core machine.
        Thread watcher = new Thread(() -> {
            List<ProcessHandle> tree = List.of(p.toHandle());
            for (int i = 0; p.isAlive(); i++) {
                if (i % 5 == 0) {
                    tree = java.util.stream.Stream.concat(java.util.stream.Stream.of(p.toHandle()),
                            p.toHandle().descendants()).toList();
                }
                peak.accumulateAndGet(tree.stream().mapToLong(h -> hwm(h.pid())).sum(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        int exit = p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        watcher.join();
        return new Run(s, exit, peak.get());
    }

    private static long hwm(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between two reads
        }
        return 0;
    }

    static double median(List<Run> runs) {
        return percentile(runs, 50);
    }

    static double percentile(List<Run> runs, int p) {
        List<Double> s = new ArrayList<>(runs.stream().map(Run::seconds).sorted().toList());
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }
}
