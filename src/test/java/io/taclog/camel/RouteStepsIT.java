package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrichment steps of the routes (planBatch, priceCalls, pairToolCalls) only move work off the writer's
 * thread: a user who removes them from routes/*.camel.yaml gets the same rows, to the token and the cent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RouteStepsIT {

    /** What the steps decide, without the times a backfill takes from its own clock. */
    private static final String[] QUERIES = {
        "SELECT worker_id, message_index, dedup_key, role, content_type, tool_name, tool_success, tool_latency_ms, "
            + "tool_use_id, length(content), length(tool_output) FROM conversations ORDER BY worker_id, message_index",
        "SELECT worker_id, dedup_key, model, tokens_input, tokens_output, tokens_cached_read, tokens_cached_write, "
            + "tokens_cache_write_5m, tokens_cache_write_1h, estimated_cost_usd, price_version, priced_as, "
            + "long_context, request_id FROM api_calls ORDER BY worker_id, dedup_key",
        "SELECT worker_id, task_id, status, origin, model FROM worker_sessions ORDER BY worker_id",
        "SELECT file_id, lines_read, lines_with_rows, lines_skipped, lines_rejected FROM ingest_ledger ORDER BY 1"};

    @TempDir
    Path tmp;

    @Test
    void withoutTheEnrichmentStepsTheWriterStoresTheSameRows() throws IOException {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path samples = Path.of("src/test/resources/samples");
        for (String kind : new String[] {"claude-transcript", "claude-stream-json", "codex-rollout"}) {
            copyJsonl(samples.resolve(kind), Files.createDirectories(watch.resolve(kind)));
        }
        Path bare = Files.createDirectories(tmp.resolve("routes-without-enrichment"));
        int removed = 0;
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path r : routes.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                String yaml = Files.readString(r);
                String without = yaml;
                for (String step : new String[] {"planBatch", "priceCalls", "pairToolCalls"}) {
                    without = without.replace("        - process:\n            ref: " + step + "\n", "");
                }
                removed += yaml.length() == without.length() ? 0 : 1;
                Files.writeString(bare.resolve(r.getFileName()), without);
            }
        }
        assertEquals(3, removed, "the three tail routes carry the steps");

        Path withSteps = tmp.resolve("with-steps.db");
        Path withoutSteps = tmp.resolve("without-steps.db");
        backfill(withSteps, watch);
        backfill(withoutSteps, watch, "--set", "taclog.routes=file:" + bare + "/*.camel.yaml");

        assertTrue(Sql.scalar(withSteps, "SELECT COUNT(*) FROM conversations WHERE tool_latency_ms IS NOT NULL") > 0,
                "the samples have paired tool calls with latencies");
        assertTrue(Sql.scalar(withSteps, "SELECT COUNT(*) FROM api_calls WHERE estimated_cost_usd > 0") > 0);
        for (String q : QUERIES) {
            List<Map<String, Object>> expected = Sql.rows(withSteps, q);
            assertEquals(expected, Sql.rows(withoutSteps, q), q);
        }
    }

    private static void backfill(Path db, Path watch, String... extra) {
        String[] args = Stream.concat(Stream.of("backfill", "--db", db.toString(), "--watch", watch.toString(),
                "--no-progress"), Stream.of(extra)).toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, out.toString(StandardCharsets.UTF_8));
    }

    private static void copyJsonl(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }
}
