package io.taclog.parse.tac8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.testing.SharedSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The coordinator's config.toml, every real version of it, snapshotted into the session as JSON. */
class TomlReaderTest {

    @Test
    void everyRealConfigVersionReads() throws Exception {
        Path dir = SharedSamples.require("tac8/config");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
        }
        assertEquals(8, files.size());
        for (Path f : files) {
            CoordinatorConfigs.Snapshot snap = CoordinatorConfigs.read(f);
            assertNull(snap.error(), f + ": " + snap.error());
            ObjectNode t = snap.toml();
            assertEquals(30, t.path("coordinator").path("poll_interval_seconds").asInt(), f.toString());
            assertEquals("rpi-auto", t.path("github").path("issue_label").asText(), f.toString());
            assertEquals(64, snap.sha256().length());
        }
    }

    @Test
    void tablesArraysOfTablesInlineTablesAndMultiLineArrays() throws Exception {
        Path dir = SharedSamples.require("tac8/config");
        ObjectNode routing = CoordinatorConfigs.read(dir.resolve("c7cbad00-config.toml")).toml();
        assertEquals(5, routing.path("routing").path("rules").size(), "[[routing.rules]]");
        assertEquals(1,
                routing.path("routing").path("rules").get(2).path("conditions").path("retry_count").path("gte")
                        .asInt());
        assertEquals(8,
                routing.path("routing").path("rules").get(3).path("conditions").path("hour_range").get(1).asInt());
        assertEquals(9, routing.path("providers").path("claude-cli").path("command_template").size());
        ObjectNode first = CoordinatorConfigs.read(dir.resolve("0b064561-config.toml")).toml();
        assertEquals(3, first.path("coordinator").path("max_concurrent_workers").asInt());
        assertEquals("{prompt_file}", first.path("llm").path("command_template").get(2).asText());
        ObjectNode priced = CoordinatorConfigs.read(dir.resolve("dce18762-config.toml")).toml();
        assertEquals(0.25, priced.path("models").get(2).path("cost_per_million_input").asDouble());
        ObjectNode bash = CoordinatorConfigs.read(dir.resolve("381f842f-config.toml")).toml();
        assertTrue(bash.path("providers").path("claude-cli").path("command_template").get(2).asText()
                .startsWith("cat '{prompt_file}' | claude -p"));
    }

    @Test
    void stringsNumbersAndDatesAsTomlHasThem() {
        ObjectNode t = TomlReader.read("a = \"x\\ty \\u00e9\"\nb = 'c:\\\\raw'\nc = 1_000\nd = -2.5e3\ne = true\n"
                + "f = 1979-05-27T07:32:00Z\n\"quoted key\" = 1\ng.h = 2\nm = \"\"\"\nline\none\"\"\"\n");
        assertEquals("x\ty é", t.get("a").asText());
        assertEquals("c:\\\\raw", t.get("b").asText());
        assertEquals(1000, t.get("c").asLong());
        assertEquals(-2500.0, t.get("d").asDouble());
        assertTrue(t.get("e").asBoolean());
        assertEquals("1979-05-27T07:32:00Z", t.get("f").asText());
        assertEquals(1, t.get("quoted key").asInt());
        assertEquals(2, t.path("g").path("h").asInt());
        assertEquals("line\none", t.get("m").asText());
    }

    @Test
    void brokenTomlFailsWithItsLineAndTheSnapshotKeepsTheError() throws Exception {
        TomlReader.TomlException e = assertThrows(TomlReader.TomlException.class,
                () -> TomlReader.read("[a]\nx = 1\nx = 2\n"));
        assertTrue(e.getMessage().startsWith("line 3"), e.getMessage());
        assertTrue(assertThrows(TomlReader.TomlException.class, () -> TomlReader.read("y = [1, 2\n"))
                .getMessage().contains("array"));
        Path bad = Files.createTempFile("config", ".toml");
        Files.writeString(bad, "[coordinator\n");
        CoordinatorConfigs.Snapshot s = CoordinatorConfigs.read(bad);
        assertNotNull(s.error());
        assertNotNull(s.sha256(), "the bytes are still identified");
        assertTrue(s.asConfig().json().contains("\"config_error\":\"not valid TOML: line 1"), s.asConfig().json());
    }
}
