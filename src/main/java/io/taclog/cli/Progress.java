package io.taclog.cli;

import io.taclog.ingest.IngestMonitor;
import java.io.PrintWriter;

/** One status line on a terminal, refreshed about once a second: bytes, lines/s and time left. */
final class Progress {

    private final PrintWriter err;
    private final IngestMonitor monitor;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    Progress(PrintWriter err, IngestMonitor monitor, boolean enabled) {
        this.err = err;
        this.monitor = monitor;
        this.enabled = enabled;
    }

    void tick() {
        long now = System.nanoTime();
        if (!enabled || now - lastPrint < 1_000_000_000L) {
            return;
        }
        lastPrint = now;
        double s = Math.max(1e-9, (now - start) / 1e9);
        long bytes = monitor.bytes();
        long expected = Math.max(monitor.expectedBytes(), bytes);
        double rate = bytes / s;
        String eta = rate > 0 && expected > bytes ? String.format("%.0f s", (expected - bytes) / rate) : "-";
        err.printf("\r%,d/%,d files  %,.1f / %,.1f MB  %,d lines  %,.0f lines/s  %,.1f MB/s  ETA %s   ",
                monitor.files(), Math.max(monitor.files(), monitor.expectedFiles()), bytes / 1e6, expected / 1e6,
                monitor.lines(), monitor.lines() / s, rate / 1e6, eta);
        err.flush();
        printed = true;
    }

    void finish() {
        if (printed) {
            err.println();
        }
    }
}
