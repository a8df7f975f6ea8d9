package io.taclog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** samples/deploy's two configurations load with the real loader and name only keys that exist. */
class DeploySampleTest {

    private static final Path SAMPLE = Path.of("samples/deploy/taclog.properties");
    private static final Path FLEET = Path.of("samples/deploy/taclog-fleet.properties");

    @Test
    void theCoordinatorHostSampleLoads() {
        TaclogConfig c = TaclogConfig.load(Optional.of(SAMPLE), Map.of());
        assertEquals(Path.of("/var/lib/taclog/taclog.db"), c.get(ConfigKeys.DB));
        assertTrue(c.get(ConfigKeys.METRICS_ENABLED), "metrics on");
        assertEquals("127.0.0.1", c.get(ConfigKeys.METRICS_ADDRESS), "on the loopback address");
        assertEquals(2, c.get(ConfigKeys.WATCH).size());
    }

    @Test
    void theFleetHostSampleLoadsAndAsksForNothingPostgresqlRefuses() {
        TaclogConfig c = TaclogConfig.load(Optional.of(FLEET), Map.of());
        assertTrue(io.taclog.app.Databases.isPostgres(c), "a PostgreSQL URL");
        assertEquals("build-07", c.get(ConfigKeys.HOST_ID));
        assertEquals(Optional.of(Path.of("/etc/taclog/db-password")), c.get(ConfigKeys.DB_PASSWORD_FILE));
        io.taclog.app.Databases.SqliteOnly.refuseFor(c); // throws for a SQLite-only feature switched on
        assertTrue(c.get(ConfigKeys.METRICS_ENABLED), "metrics on");
    }

    @Test
    void everyKeyOfTheSamplesExists() throws Exception {
        for (Path sample : List.of(SAMPLE, FLEET)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(sample, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Set<String> known = ConfigKeys.ALL.stream().map(ConfigKey::name).collect(Collectors.toSet());
            known.add("camel.main.shutdown-timeout"); // Camel Main's own key, passed through
            for (String name : p.stringPropertyNames()) {
                assertTrue(known.contains(name), sample + " names an unknown key: " + name);
            }
        }
    }

    @Test
    void theUnitStartsTheSidecarWithTheSample() throws Exception {
        String unit = Files.readString(Path.of("samples/deploy/taclog.service"), StandardCharsets.UTF_8);
        assertTrue(unit.contains("\nType=simple\n"), unit);
        assertTrue(unit.contains("ExecStart=/opt/taclog/bin/taclog run --config /etc/taclog/taclog.properties"));
        assertTrue(unit.contains("\nRestart=on-failure\n"));
        assertTrue(unit.contains("\nEnvironmentFile="));
        assertTrue(unit.contains("ReadWritePaths=/var/lib/taclog"), "the database directory stays writable");
    }
}
