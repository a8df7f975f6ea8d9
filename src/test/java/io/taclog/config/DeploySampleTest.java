package io.taclog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** samples/deploy/taclog.properties loads with the real loader and names only keys that exist. */
class DeploySampleTest {

    private static final Path SAMPLE = Path.of("samples/deploy/taclog.properties");

    @Test
    void theCoordinatorHostSampleLoads() {
        TaclogConfig c = TaclogConfig.load(Optional.of(SAMPLE), Map.of());
        assertEquals(Path.of("/var/lib/taclog/taclog.db"), c.get(ConfigKeys.DB));
        assertTrue(c.get(ConfigKeys.METRICS_ENABLED), "metrics on");
        assertEquals("127.0.0.1", c.get(ConfigKeys.METRICS_ADDRESS), "on the loopback address");
        assertEquals(2, c.get(ConfigKeys.WATCH).size());
    }

    @Test
    void everyKeyOfTheSampleExists() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Set<String> known = ConfigKeys.ALL.stream().map(ConfigKey::name).collect(Collectors.toSet());
        known.add("camel.main.shutdown-timeout"); // Camel Main's own key, passed through
        for (String name : p.stringPropertyNames()) {
            assertTrue(known.contains(name), "samples/deploy/taclog.properties names an unknown key: " + name);
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
