package io.taclog.enrich.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.model.TokenUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled table's version and date, and a user file that replaces and adds models. */
class PriceTablesTest {

    @TempDir
    Path tmp;

    static final String OVERRIDE = """
            {
              "version": "acme-2026-11",
              "effective_date": "2026-11-01",
              "models": [
                {"id": "claude-sonnet-4-5", "provider": "anthropic", "aliases": ["claude-sonnet-4-5-20250929"],
                 "input": 2.5, "output": 12, "cache_read": 0.25, "cache_write_5m": 3.0, "cache_write_1h": 5.0},
                {"id": "claude-nova-9", "provider": "anthropic", "aliases": [],
                 "input": 1, "output": 2}
              ]
            }
            """;

    @Test
    void theBundledTableHasAVersionAnEffectiveDateAndTheSamplesModels() {
        PriceTable t = PriceTables.bundled();
        assertTrue(t.version().startsWith("taclog-"), t.version());
        assertTrue(t.effectiveDate().matches("\\d{4}-\\d{2}-\\d{2}"), t.effectiveDate());
        for (String m : new String[] {"claude-sonnet-4-5-20250929", "claude-opus-4-20250514",
            "claude-haiku-4-5-20251001", "claude-opus-4-5-20251101", "claude-sonnet-4-20250514", "gpt-5.3-codex"}) {
            assertTrue(t.lookup(m).isPresent(), m);
        }
    }

    @Test
    void aUserFileReplacesAndAddsModelsAndChangesTheRecordedVersion() throws IOException {
        Path file = Files.writeString(tmp.resolve("prices.json"), OVERRIDE);
        PriceTable bundled = PriceTables.bundled();
        PriceTable t = PriceTables.load(Optional.of(file));

        assertEquals(bundled.version() + "+acme-2026-11", t.version(), "both versions are recorded");
        CostEstimate replaced = t.estimate("claude-sonnet-4-5-20250929", new TokenUsage(1_000_000, 0, 0, 0, 0));
        assertEquals(2.5, replaced.costUsd(), 1e-9, "the user's rate replaces the bundled one");
        assertEquals(t.version(), replaced.priceVersion());
        assertNull(t.lookup("claude-sonnet-4-5").orElseThrow().longContext(),
                "a replaced model is the user's row as written (no long-context tier unless the file gives one)");
        assertEquals(3.0, t.estimate("claude-nova-9", new TokenUsage(1_000_000, 1_000_000, 0, 0, 0)).costUsd(), 1e-9,
                "a model the bundled table lacks is added");
        assertEquals(bundled.estimate("claude-opus-4-5", new TokenUsage(10, 10, 10, 10, 10)).costUsd(),
                t.estimate("claude-opus-4-5", new TokenUsage(10, 10, 10, 10, 10)).costUsd(), "other rows stay");
        assertEquals(PriceTables.bundled().version(), PriceTables.load(Optional.empty()).version());
    }

    @Test
    void aUserFileWithoutVersionOrRatesIsRefusedNamingWhatIsMissing() throws IOException {
        Path noVersion = Files.writeString(tmp.resolve("a.json"), "{\"models\":[]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PriceTables.read(noVersion));
        assertTrue(e.getMessage().contains("'version'"), e.getMessage());
        Path noRates = Files.writeString(tmp.resolve("b.json"), "{\"version\":\"x\",\"models\":[{\"id\":\"m\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> PriceTables.read(noRates));
        assertTrue(e.getMessage().contains("m") && e.getMessage().contains("input and output"), e.getMessage());
    }
}
