package io.taclog.sink.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.enrich.pricing.PriceTables;
import io.taclog.testing.transcripts.StreamJson;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every API call row is priced from the table and keeps the price version; a model the table lacks gets a
 * NULL cost (never $0) and exactly one warning event per model, however many batches, workers and restarts
 * it appears in; a user price file adds it and its version is recorded.
 */
class PricingIT {

    private static final String NOVA = "claude-nova-9";
    private static final String LUMEN = "claude-lumen-2-20270101";

    @TempDir
    Path tmp;

    private static void append(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void anUnknownModelHasNullCostsAndOneWarningPerModelAcrossBatchesWorkersAndRestarts() throws IOException {
        Path logs = tmp.resolve("logs");
        StreamJson a = new StreamJson("0b0c1d2e-0000-4000-8000-00000000000a");
        StreamJson b = new StreamJson("0b0c1d2e-0000-4000-8000-00000000000b");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs)
                .set("taclog.batch.max-lines", "1").start()) {
            append(logs.resolve("gh-1.jsonl"), a.init(NOVA, "/w/trees/gh-1"),
                    a.text("msg_01NovaA1", NOVA, "one", 3, 10, 1000, 200),
                    a.text("msg_01NovaA2", NOVA, "two", 3, 20, 1200, 0),
                    a.text("msg_01LumenA3", LUMEN, "three", 3, 30, 0, 0),
                    a.text("msg_01SonnetA4", "claude-sonnet-4-5-20250929", "four", 3, 40, 0, 0));
            append(logs.resolve("gh-2.jsonl"), b.init(NOVA, "/w/trees/gh-2"),
                    b.text("msg_01NovaB1", NOVA, "x", 1, 1, 0, 0));
            assertEquals(7, h.pump());
            h.restart();
            append(logs.resolve("gh-1.jsonl"), a.text("msg_01NovaA5", NOVA, "five", 3, 50, 0, 0));
            h.pump();

            TranscriptDb db = new TranscriptDb(h.db());
            assertEquals(5, db.count("FROM api_calls WHERE model IN (?, ?)", NOVA, LUMEN));
            assertEquals(0, db.count("FROM api_calls WHERE model IN (?, ?) AND estimated_cost_usd IS NOT NULL", NOVA,
                    LUMEN), "NULL, never $0");
            assertEquals(1, db.count("FROM api_calls WHERE estimated_cost_usd > 0"), "the known model is priced");
            assertEquals(0, db.count("FROM api_calls WHERE price_version IS NULL OR price_version <> ?",
                    PriceTables.bundled().version()), "every row keeps the version that priced it (or found no price)");
            List<Map<String, Object>> warnings = db.rows("SELECT json_extract(details, '$.model') AS model, severity, "
                    + "message FROM system_events WHERE event_type = 'unknown_model' ORDER BY model");
            assertEquals(List.of(LUMEN, NOVA), warnings.stream().map(w -> w.get("model")).toList(),
                    "one warning per model: " + warnings);
            assertEquals("warning", warnings.get(0).get("severity"));
            assertTrue(((String) warnings.get(1).get("message")).contains("taclog.prices.file"),
                    "the warning says how to fix it: " + warnings.get(1));
        }
    }

    @Test
    void aUserPriceFilePricesTheModelAndItsVersionIsRecorded() throws IOException {
        Path prices = Files.writeString(tmp.resolve("prices.json"), "{\"version\":\"acme-7\",\"effective_date\":"
                + "\"2027-01-01\",\"models\":[{\"id\":\"" + NOVA + "\",\"provider\":\"anthropic\",\"aliases\":[],"
                + "\"input\":2,\"output\":8,\"cache_read\":0.2,\"cache_write_5m\":2.5,\"cache_write_1h\":4}]}");
        Path logs = tmp.resolve("logs");
        StreamJson a = new StreamJson("0b0c1d2e-0000-4000-8000-00000000000c");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs)
                .set("taclog.prices.file", prices.toString()).start()) {
            append(logs.resolve("gh-3.jsonl"), a.init(NOVA, "/w/trees/gh-3"),
                    a.text("msg_01NovaC1", NOVA, "one", 3, 10, 1000, 200));
            h.pump();
            Map<String, Object> row = new TranscriptDb(h.db()).rows("SELECT estimated_cost_usd, price_version, "
                    + "priced_as FROM api_calls").get(0);
            assertEquals((3 * 2 + 10 * 8 + 1000 * 0.2 + 200 * 2.5) / 1_000_000.0,
                    ((Number) row.get("estimated_cost_usd")).doubleValue(), 1e-12);
            assertEquals(PriceTables.bundled().version() + "+acme-7", row.get("price_version"));
            assertEquals(NOVA, row.get("priced_as"));
            assertEquals(0, new TranscriptDb(h.db()).count("FROM system_events WHERE event_type = 'unknown_model'"));
        }
    }
}
