package io.taclog.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Await;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import io.taclog.testing.Jsonl;
import io.taclog.testing.LogWriter;
import io.taclog.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server drops a running sidecar's connections (as a restart or a failover does): the sidecar connects again,
 * runs the batch that failed once more and goes on; every line is in the ledger once and validate passes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PostgresReconnectIT {

    @TempDir
    Path tmp;
    private Process sidecar;

    @AfterEach
    void kill() throws InterruptedException {
        if (sidecar != null && sidecar.isAlive()) {
            sidecar.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSidecarWhoseConnectionsTheServerDropsConnectsAgainAndLosesNothing() throws Exception {
        Backend pg = Backend.Kind.POSTGRESQL.create(tmp, "reconnect");
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path log = tmp.resolve("sidecar.log");
        sidecar = EngineOnBothBackendsIT.start(pg, watch, log, "rc-host", List.of());
        long written = 0;
        try (LogWriter w = LogWriter.append(watch.resolve("w.jsonl"), "w")) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 500; i++, written++) {
                    w.raw(Jsonl.line("w", written, 300));
                }
                long now = written;
                Await.until(Duration.ofSeconds(90), () -> EngineOnBothBackendsIT.committed(pg) >= now,
                        () -> "the sidecar commits " + now + " lines (" + EngineOnBothBackendsIT.committed(pg)
                                + "); see " + log);
                assertTrue(dropConnections("taclog@rc-host") > 0, "the sidecar's connections were dropped");
            }
            for (int i = 0; i < 500; i++, written++) {
                w.raw(Jsonl.line("w", written, 300));
            }
        }
        long all = written;
        Await.until(Duration.ofSeconds(90), () -> EngineOnBothBackendsIT.committed(pg) >= all,
                () -> "the sidecar commits all " + all + " lines after the drops (" + EngineOnBothBackendsIT
                        .committed(pg) + "); see " + log);
        assertTrue(sidecar.isAlive(), "the sidecar kept running");
        sidecar.destroy();
        assertTrue(sidecar.waitFor(60, TimeUnit.SECONDS), "graceful stop");
        assertEquals(all, EngineOnBothBackendsIT.committed(pg), "every line once");
        assertTrue(Files.readString(log).contains("reconnected"), "the sidecar said it reconnected");
        CliRun v = CliRun.of(pg.args("validate", "--watch", watch.toString(), "--set", "taclog.host-id=rc-host"));
        assertEquals(Main.OK, v.code(), v.out() + v.err());
    }

    /** Terminates the server processes of every connection of one application name; returns how many. */
    private static int dropConnections(String applicationName) throws Exception {
        try (Connection c = PostgresServer.get().connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
