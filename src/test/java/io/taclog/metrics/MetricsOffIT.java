package io.taclog.metrics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.Await;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real `taclog run` (the packaged jar): off by default, no port is opened; on, it answers and stops cleanly. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsOffIT {

    @TempDir
    Path tmp;

    @Test
    void offOpensNoPortAndOnServesUntilStopped() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path db = tmp.resolve("taclog.db");
        int port = freePort();
        try (LogWriter w = LogWriter.append(watch.resolve("a.jsonl"), "a")) {
            w.lines(20);
        }
        Process off = start(db, watch, port, "false");
        try {
            Await.until(Duration.ofSeconds(60), () -> Files.exists(db) && lines(db) == 20, "the sidecar committed");
            assertThrows(ConnectException.class, () -> connect(port), "metrics off: nothing listens");
        } finally {
            stop(off);
        }
        Process on = start(db, watch, port, "true");
        try {
            Await.until(Duration.ofSeconds(60), () -> listening(port), "metrics on: the port answers");
        } finally {
            stop(on);
        }
        assertThrows(ConnectException.class, () -> connect(port), "stopped with the sidecar");
    }

    private Process start(Path db, Path watch, int port, String enabled) throws IOException {
        Path jar = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "run", "--db", db.toString(),
                "--watch", watch.toString(), "--set", "taclog.scan-interval-ms=100",
                "--set", "taclog.metrics.enabled=" + enabled, "--set", "taclog.metrics.port=" + port);
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("run-" + enabled + ".log").toFile());
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the graceful stop of `taclog run`
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "graceful stop");
    }

    private static long lines(Path db) {
        try {
            return Sql.scalar(db, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
        } catch (RuntimeException e) {
            return -1; // not migrated yet
        }
    }

    private static boolean listening(int port) {
        try {
            connect(port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
