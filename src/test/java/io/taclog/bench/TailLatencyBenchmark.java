package io.taclog.bench;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.model.Times;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * Live-tail latency: a writer appends stream-json lines to N files at a fixed rate while the sidecar
 * runs; afterwards each line's append time is matched with the commit of the byte range that holds it
 * (ingest_commits), giving append-to-committed latency percentiles. Run with
 * {@code mvn -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.taclog.bench.TailLatencyBenchmark
 * -Dexec.args="--files 50 --rate 2000 --seconds 30 --existing 20000"}.
 */
public final class TailLatencyBenchmark {

    private record Written(int file, long end, long atMillis) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BackfillBenchmark.args(args);
        int files = Integer.parseInt(a.getOrDefault("--files", "50"));
        int rate = Integer.parseInt(a.getOrDefault("--rate", "2000"));
        int seconds = Integer.parseInt(a.getOrDefault("--seconds", "30"));
        int existing = Integer.parseInt(a.getOrDefault("--existing", "0"));
        int idleSeconds = Integer.parseInt(a.getOrDefault("--idle-seconds", "10"));
        Path dir = Files.createTempDirectory("taclog-latency-");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Map<String, String> cfg = new HashMap<>();
        cfg.put("taclog.db", dir.resolve("latency.db").toString());
        cfg.put("taclog.watch", logs.toString());
        cfg.put("taclog.batch.max-wait-ms", a.getOrDefault("--wait-ms", "200"));
        // the product's default scan interval unless told otherwise: idle CPU is measured with what users run
        cfg.put("taclog.scan-interval-ms", a.getOrDefault("--scan-ms", ConfigKeys.SCAN_INTERVAL.defaultValue()));
        long existingLines = writeExisting(logs.resolve("history"), existing);
        TaclogConfig config = TaclogConfig.load(Optional.empty(), cfg);
        List<Written> written = new ArrayList<>();
        try (IngestRuntime rt = IngestRuntime.open(config, false)) {
            CamelSidecar sidecar = new CamelSidecar(rt);
            long t0 = System.nanoTime();
            sidecar.start();
            if (existing > 0) {
                long deadline0 = System.nanoTime() + 600_000_000_000L;
                while (rt.monitor().lines() < existingLines && System.nanoTime() < deadline0) {
                    LockSupport.parkNanos(20_000_000L);
                }
                System.out.printf("start-up: %,d existing files (%,d lines) read in %.2f s%n", existing,
                        rt.monitor().lines(), (System.nanoTime() - t0) / 1e9);
            }
            System.out.printf("idle CPU over %d s: %.1f %% of a core%n", idleSeconds,
                    idleCpuPercent(idleSeconds));
            OutputStream[] out = new OutputStream[files];
            long[] size = new long[files];
            String[] sid = new String[files];
            for (int f = 0; f < files; f++) {
                out[f] = Files.newOutputStream(logs.resolve("gh-" + (2000 + f) + ".jsonl"), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                sid[f] = UUID.randomUUID().toString();
            }
            long tickNanos = 10_000_000L;
            int perTick = Math.max(1, rate / 100);
            long start = System.nanoTime();
            long next = start;
            int n = 0;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                for (int i = 0; i < perTick; i++, n++) {
                    int f = n % files;
                    byte[] line = line(sid[f], n).getBytes(StandardCharsets.UTF_8);
                    out[f].write(line);
                    out[f].flush();
                    size[f] += line.length;
                    written.add(new Written(f, size[f], System.currentTimeMillis()));
                }
                next += tickNanos;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
            for (OutputStream o : out) {
                o.close();
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (rt.monitor().lines() < existingLines + written.size() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000L);
            }
            sidecar.stop();
            report(rt, logs, written, seconds);
        }
        System.out.println("work dir (delete when done): " + dir);
    }

    /**
     * Files a long-running agent host already has (one small finished session each), in 100 folders, so the
     * sidecar starts over a large tree and then keeps following it. Returns the number of lines.
     */
    private static long writeExisting(Path root, int count) throws IOException {
        long lines = 0;
        for (int i = 0; i < count; i++) {
            Path dir = Files.createDirectories(root.resolve("p" + (i % 100)));
            String sid = UUID.randomUUID().toString();
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                sb.append(line(sid, i * 3 + k + 10_000_000));
                lines++;
            }
            Files.writeString(dir.resolve(sid + ".jsonl"), sb);
        }
        return lines;
    }

    /** CPU of this process while nothing is written (the sidecar only polls and scans), as % of one core. */
    private static double idleCpuPercent(int seconds) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        LockSupport.parkNanos(seconds * 1_000_000_000L);
        return 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0);
    }

    private static String line(String sid, int n) {
        return "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_" + n
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"step " + n
                + " of the plan: read the file, edit the function, run the tests and report what changed\"}],"
                + "\"usage\":{\"input_tokens\":4,\"cache_read_input_tokens\":" + (20000 + n) + ",\"output_tokens\":"
                + (10 + n % 500) + "}},\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\"}\n";
    }

    private static void report(IngestRuntime rt, Path logs, List<Written> written, int seconds) throws Exception {
        Map<Integer, TreeMap<Long, Long>> commits = new HashMap<>();
        try (Connection c = io.taclog.sink.Database.openReadOnly(rt.config().get(
                io.taclog.config.ConfigKeys.DB), 5000);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT f.path, k.end_offset, k.committed_at FROM ingest_commits k "
                     + "JOIN ingest_files f USING (file_id)")) {
            while (rs.next()) {
                String name = Path.of(rs.getString(1)).getFileName().toString();
                if (!name.startsWith("gh-")) {
                    continue; // the history written before the measured phase
                }
                int f = Integer.parseInt(name.substring(3, name.indexOf('.'))) - 2000;
                commits.computeIfAbsent(f, k -> new TreeMap<>()).put(rs.getLong(2),
                        Times.parseOrNull(rs.getString(3)).toEpochMilli());
            }
        }
        List<Long> lat = new ArrayList<>();
        for (Written w : written) {
            TreeMap<Long, Long> m = commits.get(w.file());
            var e = m == null ? null : m.ceilingEntry(w.end());
            if (e != null) {
                lat.add(e.getValue() - w.atMillis());
            }
        }
        lat.sort(null);
        System.out.printf("lines written %,d at %.0f lines/s over %d files; committed %,d%n", written.size(),
                written.size() / (double) seconds, commits.size(), lat.size());
        System.out.printf("append-to-commit latency ms: p50 %d, p95 %d, p99 %d, max %d%n", pct(lat, 0.50),
                pct(lat, 0.95), pct(lat, 0.99), lat.isEmpty() ? -1 : lat.get(lat.size() - 1));
        System.out.printf("batches %d, peak heap %.0f MB%n", rt.monitor().batches(),
                BackfillBenchmark.peakHeap() / 1e6);
    }

    private static long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
