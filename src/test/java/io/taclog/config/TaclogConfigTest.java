package io.taclog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails at load time, naming the key and the value. */
class TaclogConfigTest {

    @TempDir
    Path tmp;

    private static TaclogConfig load(Map<String, String> flags) {
        return TaclogConfig.load(Optional.empty(), flags);
    }

    @Test
    void loadsTheDocumentedDefaults() {
        TaclogConfig c = TaclogConfig.defaults();
        assertEquals(Path.of("taclog.db"), c.get(ConfigKeys.DB));
        assertEquals(List.of("*.jsonl"), c.get(ConfigKeys.INCLUDE));
        assertEquals(16 * 1024 * 1024, c.get(ConfigKeys.MAX_LINE_BYTES));
        assertEquals(200L, c.get(ConfigKeys.BATCH_MAX_WAIT));
    }

    @Test
    void tellsAKeyGivenFromADefault() throws IOException {
        Path f = tmp.resolve("given.properties");
        Files.writeString(f, "taclog.dashboard.include-archives = true\n");
        TaclogConfig c = TaclogConfig.load(Optional.of(f), Map.of("taclog.dashboard.port", "7433"));
        assertTrue(c.isSet(ConfigKeys.DASHBOARD_ARCHIVES), "from the file, even with the default's value");
        assertTrue(c.isSet(ConfigKeys.DASHBOARD_PORT), "from a flag");
        assertTrue(!c.isSet(ConfigKeys.DASHBOARD_TOKEN), "a default");
        assertTrue(c.with(Map.of("taclog.dashboard.token", "x")).isSet(ConfigKeys.DASHBOARD_TOKEN));
        assertTrue(!TaclogConfig.defaults().isSet(ConfigKeys.DASHBOARD_ARCHIVES));
    }

    @Test
    void failsOnABadValueNamingTheKeyAndTheValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.batch.max-lines", "lots")));
        assertEquals("taclog.batch.max-lines = 'lots': not a whole number", e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.max-line-bytes", "10")));
        assertTrue(e.getMessage().startsWith("taclog.max-line-bytes = '10': must be between 1024 and"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.recursive", "maybe")));
        assertEquals("taclog.recursive = 'maybe': must be true or false", e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.worker.id-pattern", "(")));
        assertTrue(e.getMessage().startsWith("taclog.worker.id-pattern = '(': not a regular expression"),
                e.getMessage());
    }

    @Test
    void pageSizeMustBeAPowerOfTwoInSqlitesRange() {
        assertEquals(8192, load(Map.of("taclog.db.page-size", "8192")).get(ConfigKeys.DB_PAGE_SIZE));
        for (String bad : new String[] {"12000", "2048", "131072"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.db.page-size", bad)));
            assertTrue(e.getMessage().startsWith("taclog.db.page-size = '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void failsOnAnUnknownTaclogKeySuggestingNearOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("taclog.batch.max-line", "5")));
        assertTrue(e.getMessage().startsWith("taclog.batch.max-line = '5': unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("taclog.batch.max-lines"), "suggests the near key: " + e.getMessage());
    }

    @Test
    void failsOnAnUnknownTaclogKeyOrBadValueInTheConfigFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.properties"), "taclog.no-such-key = 1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TaclogConfig.load(Optional.of(f), Map.of()));
        assertTrue(e.getMessage().contains("taclog.no-such-key"), e.getMessage());
        Path g = Files.writeString(tmp.resolve("b.properties"), "taclog.scan-interval-ms = fast\n");
        e = assertThrows(ConfigException.class, () -> TaclogConfig.load(Optional.of(g), Map.of()));
        assertEquals("taclog.scan-interval-ms = 'fast': not a whole number", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> TaclogConfig.load(Optional.of(tmp.resolve("missing.properties")), Map.of()));
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
    }

    @Test
    void resolvesRelativePathsInAConfigFileAgainstItsDirectory() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("etc/taclog"));
        Path f = Files.writeString(dir.resolve("taclog.properties"), String.join("\n",
                "taclog.db = data/audit.db",
                "taclog.watch = logs, ../shared/transcripts, /abs/path",
                "taclog.include = *.jsonl",
                "camel.main.name = custom"));
        TaclogConfig c = TaclogConfig.load(Optional.of(f), Map.of());
        assertEquals(dir.resolve("data/audit.db").toAbsolutePath().normalize(), c.get(ConfigKeys.DB));
        assertEquals(List.of(dir.resolve("logs").toAbsolutePath().normalize(),
                tmp.resolve("etc/shared/transcripts").toAbsolutePath().normalize(), Path.of("/abs/path")),
                c.get(ConfigKeys.WATCH));
        assertEquals(List.of("*.jsonl"), c.get(ConfigKeys.INCLUDE), "non-path values are left alone");
        assertEquals("custom", c.camelProperties().getProperty("camel.main.name"), "camel keys pass through");
    }

    @Test
    void aDatabaseUrlInAConfigFileIsNoPath() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("etc/fleet"));
        Path f = Files.writeString(dir.resolve("taclog.properties"),
                "taclog.db = jdbc:postgresql://db.internal:5432/taclog\n");
        TaclogConfig c = TaclogConfig.load(Optional.of(f), Map.of());
        assertTrue(io.taclog.app.Databases.isPostgres(c), String.valueOf(c.get(ConfigKeys.DB)));
        assertEquals("jdbc:postgresql://db.internal:5432/taclog",
                io.taclog.sink.dialect.PostgresTarget.url(c.get(ConfigKeys.DB)));
    }

    @Test
    void letsFlagsWinOverTheFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("t.properties"), "taclog.batch.max-lines = 10\n");
        TaclogConfig c = TaclogConfig.load(Optional.of(f), Map.of("taclog.batch.max-lines", "20"));
        assertEquals(20, c.get(ConfigKeys.BATCH_MAX_LINES));
    }
}
