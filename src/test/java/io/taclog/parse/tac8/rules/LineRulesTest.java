package io.taclog.parse.tac8.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the rules file: the bundled one, a user's copy, and every way a copy can be broken. */
class LineRulesTest {

    @TempDir
    Path tmp;

    private static String rule(String id, String pattern, String target, String extra) {
        return "  - id: " + id + "\n    pattern: '" + pattern + "'\n    target: " + target + "\n" + extra;
    }

    private static ConfigException broken(String rules) {
        return assertThrows(ConfigException.class, () -> LineRules.parse("rules:\n" + rules, "my-rules.yaml"));
    }

    @Test
    void bundledRulesLoadWithUniqueIdsAndCompiledPatterns() {
        LineRules r = LineRules.bundled();
        assertTrue(r.rules().size() >= 90, "one rule per catalogue template");
        assertEquals("classpath:rules/tac8-rules.yaml", r.origin());
        assertNotNull(r.rule("W17"));
        assertEquals("🚀 Circuit-Synth Coordinator starting...", r.rule("R01").prefix());
    }

    @Test
    void aRewordedPrintIsARulesChangeNotACodeChange() throws Exception {
        String bundled = new String(LineRules.class.getClassLoader().getResourceAsStream(LineRules.BUNDLED)
                .readAllBytes(), StandardCharsets.UTF_8);
        String reworded = bundled.replace("'^🤖 Spawning worker for (?<task>\\S+)$'",
                "'^🤖 Launching agent for (?<task>\\S+)$'");
        Path copy = tmp.resolve("rules.yaml");
        Files.writeString(copy, reworded);
        LineRules mine = LineRules.load(Optional.of(copy));
        assertEquals("X01", mine.match("🤖 Launching agent for gh-7", false).id());
        assertEquals("gh-7", mine.match("🤖 Launching agent for gh-7", false).text("task"));
        assertNull(LineRules.bundled().match("🤖 Launching agent for gh-7", false));
    }

    @Test
    void aBadPatternNamesTheRule() {
        ConfigException e = broken(rule("X99", "^(unclosed", "spawn.start", ""));
        assertTrue(e.getMessage().contains("rule X99") && e.getMessage().contains("not a regular expression"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("taclog.coordinator.rules = 'my-rules.yaml'"), e.getMessage());
    }

    @Test
    void anUnknownTargetNamesTheRule() {
        ConfigException e = broken(rule("R77", "^x$", "session.launch", ""));
        assertTrue(e.getMessage().contains("rule R77 target 'session.launch' is not one of"), e.getMessage());
    }

    @Test
    void aTargetWithoutItsRequiredFieldNamesTheRuleAndTheField() {
        ConfigException e = broken(rule("R11", "^❌ Failed to launch worker for (?<task>\\S+): .*$", "launch.failed",
                ""));
        assertTrue(e.getMessage().contains("rule R11 target launch.failed needs a field 'error'"), e.getMessage());
    }

    @Test
    void aFieldMappedToAMissingGroupNamesTheRule() {
        ConfigException e = broken(rule("K01", "^👶 (?<w>\\S+) (?<exit>\\d+)$", "reaper.worker",
                "    fields: {worker: wid}\n"));
        assertTrue(e.getMessage().contains("rule K01 field 'worker' names group 'wid'"), e.getMessage());
    }

    @Test
    void duplicateIdsSeveritiesAndShapesAreRefused() {
        assertTrue(broken(rule("A", "^a$", "event", "") + rule("A", "^b$", "event", "")).getMessage()
                .contains("rule A is defined twice"));
        assertTrue(broken(rule("B", "^b$", "event", "    severity: loud\n")).getMessage()
                .contains("rule B severity 'loud'"));
        assertTrue(broken("  - pattern: '^x$'\n    target: event\n").getMessage().contains("rule #1 has no id"));
        assertTrue(assertThrows(ConfigException.class, () -> LineRules.parse("rules: [", "x.yaml")).getMessage()
                .contains("not valid YAML"));
        assertTrue(assertThrows(ConfigException.class, () -> LineRules.parse("version: 1\n", "x.yaml")).getMessage()
                .contains("'rules' list"));
    }

    @Test
    void aMissingRulesFileFailsAtStartNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> LineRules.load(Optional.of(tmp.resolve("nope.yaml"))));
        assertTrue(e.getMessage().contains("nope.yaml") && e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void literalPrefixesSkipRegexesWithoutChangingWhatMatches() {
        assertEquals("   Config: ", LineRules.prefix("^   Config: (?<path>\\S.*)$"));
        assertEquals("Traceback (most recent call last):",
                LineRules.prefix("^Traceback \\(most recent call last\\):$"));
        assertEquals("ab", LineRules.prefix("^abc*d$"));
        assertEquals("", LineRules.prefix("^\\s+\\S.*$"));
        assertEquals("", LineRules.prefix("x^"));
    }
}
