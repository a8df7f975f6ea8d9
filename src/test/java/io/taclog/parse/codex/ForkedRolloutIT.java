package io.taclog.parse.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forked or spawned Codex thread writes a rollout of its own that starts with its parent's history, the
 * parent's token_count lines included, copied at the moment it starts (ccusage/ccusage#1349, #897, #988). The
 * copy must not count twice: a real rollout as the parent, and a child built the way Codex writes one (its own
 * session_meta with {@code forked_from_id} and {@code source.subagent.thread_spawn}, the parent's session_meta,
 * the parent's first lines re-stamped within one second, then the child's own turn).
 */
class ForkedRolloutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARENT_FILE =
            "bapro-rollout-2026-03-10T18-59-53-019cd79e-2ab4-7422-9ab2-bf197df1eea8.jsonl";
    private static final String CHILD_ID = "019cd7a0-0000-7000-8000-00000000f0c1";
    private static final Instant FORKED_AT = Instant.parse("2026-03-10T13:00:00Z");
    /** The parent's calls the child copies: its first lines up to this token_count with usage. */
    private static final int COPIED_CALLS = 5;
    private static final long OWN_INPUT = 40_000;
    private static final long OWN_CACHED = 30_000;
    private static final long OWN_OUTPUT = 600;

    @TempDir
    Path tmp;
    Path parent;
    Path child;
    String parentId;

    @BeforeEach
    void aChildForkedFromARealRollout() throws IOException {
        parent = Files.copy(Path.of("src/test/resources/samples/codex-rollout", PARENT_FILE),
                Files.createDirectories(tmp.resolve("parent")).resolve(PARENT_FILE));
        List<String> lines = Files.readAllLines(parent, StandardCharsets.UTF_8);
        JsonNode meta = JSON.readTree(lines.get(0));
        parentId = meta.path("payload").path("id").asText();

        List<String> out = new ArrayList<>();
        ObjectNode own = JSON.createObjectNode();
        own.put("timestamp", FORKED_AT.toString());
        own.put("type", "session_meta");
        ObjectNode p = own.putObject("payload");
        p.put("id", CHILD_ID);
        p.put("forked_from_id", parentId);
        p.put("parent_thread_id", parentId);
        p.put("timestamp", FORKED_AT.toString());
        p.put("cwd", meta.path("payload").path("cwd").asText());
        p.put("originator", "codex_cli_rs");
        p.put("cli_version", "0.146.0");
        p.putObject("source").putObject("subagent").putObject("thread_spawn").put("parent_thread_id", parentId)
                .put("depth", 1);
        p.put("model_provider", "openai");
        out.add(JSON.writeValueAsString(own));

        // the parent's meta and first lines, written again when the child starts: within one second
        int calls = 0;
        JsonNode lastTotal = null;
        JsonNode lastTurn = null;
        for (int i = 0; i < lines.size() && calls < COPIED_CALLS; i++) {
            ObjectNode line = (ObjectNode) JSON.readTree(lines.get(i));
            line.put("timestamp", FORKED_AT.plusMillis(i).toString());
            out.add(JSON.writeValueAsString(line));
            JsonNode info = line.path("payload").path("info");
            if ("token_count".equals(line.path("payload").path("type").asText()) && info.isObject()) {
                calls++;
                lastTotal = info.path("total_token_usage");
            }
            if ("turn_context".equals(line.path("type").asText())) {
                lastTurn = line;
            }
        }
        assertTrue(lastTotal != null && lastTurn != null, "the parent has turns and calls to copy");

        // the child's own turn, seconds later, its running total continuing the copied one
        ObjectNode turn = lastTurn.deepCopy();
        turn.put("timestamp", FORKED_AT.plusSeconds(10).toString());
        out.add(JSON.writeValueAsString(turn));
        ObjectNode count = JSON.createObjectNode();
        count.put("timestamp", FORKED_AT.plusSeconds(20).toString());
        count.put("type", "event_msg");
        ObjectNode payload = count.putObject("payload");
        payload.put("type", "token_count");
        ObjectNode info = payload.putObject("info");
        ObjectNode total = info.putObject("total_token_usage");
        total.put("input_tokens", lastTotal.path("input_tokens").asLong() + OWN_INPUT);
        total.put("cached_input_tokens", lastTotal.path("cached_input_tokens").asLong() + OWN_CACHED);
        total.put("output_tokens", lastTotal.path("output_tokens").asLong() + OWN_OUTPUT);
        total.put("reasoning_output_tokens", lastTotal.path("reasoning_output_tokens").asLong());
        total.put("total_tokens", lastTotal.path("total_tokens").asLong() + OWN_INPUT + OWN_OUTPUT);
        ObjectNode last = info.putObject("last_token_usage");
        last.put("input_tokens", OWN_INPUT);
        last.put("cached_input_tokens", OWN_CACHED);
        last.put("output_tokens", OWN_OUTPUT);
        last.put("reasoning_output_tokens", 0);
        last.put("total_tokens", OWN_INPUT + OWN_OUTPUT);
        out.add(JSON.writeValueAsString(count));
        child = Files.createDirectories(tmp.resolve("child"))
                .resolve("rollout-2026-03-10T22-00-00-" + CHILD_ID + ".jsonl");
        Files.write(child, out, StandardCharsets.UTF_8);
    }

    private static void backfill(Path db, Path watch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"backfill", "--db", db.toString(), "--watch", watch.toString(),
            "--no-progress"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, out.toString(StandardCharsets.UTF_8));
    }

    /** Calls and all four token sums. */
    private static List<Long> totals(Path db) {
        return List.of(Sql.scalar(db, "SELECT COUNT(*) FROM api_calls"),
                Sql.scalar(db, "SELECT COALESCE(SUM(tokens_input), 0) FROM api_calls"),
                Sql.scalar(db, "SELECT COALESCE(SUM(tokens_output), 0) FROM api_calls"),
                Sql.scalar(db, "SELECT COALESCE(SUM(tokens_cached_read), 0) FROM api_calls"),
                Sql.scalar(db, "SELECT COALESCE(SUM(tokens_cached_write), 0) FROM api_calls"));
    }

    private static List<Long> plusOwnCall(List<Long> t) {
        return List.of(t.get(0) + 1, t.get(1) + OWN_INPUT - OWN_CACHED, t.get(2) + OWN_OUTPUT, t.get(3) + OWN_CACHED,
                t.get(4));
    }

    @Test
    void theCopiedHistoryCountsOnceWhicheverFileIsReadFirst() {
        Path alone = tmp.resolve("parent.db");
        backfill(alone, parent.getParent());
        List<Long> parentOnly = totals(alone);
        assertTrue(parentOnly.get(0) > COPIED_CALLS, "the parent has more calls than the child copies");

        Path parentFirst = tmp.resolve("parent-first.db");
        backfill(parentFirst, parent.getParent());
        backfill(parentFirst, child.getParent());
        assertEquals(plusOwnCall(parentOnly), totals(parentFirst), "the parent's calls and the child's one");

        Path childFirst = tmp.resolve("child-first.db");
        backfill(childFirst, child.getParent());
        assertEquals(COPIED_CALLS + 1, totals(childFirst).get(0), "alone, the copy counts once, with the child's own");
        backfill(childFirst, parent.getParent());
        assertEquals(plusOwnCall(parentOnly), totals(childFirst));
        assertEquals(1, Sql.scalar(childFirst, "SELECT COUNT(*) FROM api_calls WHERE dedup_key LIKE ?",
                "codex:" + CHILD_ID + ":%"), "only the child's own call is keyed under the child");
    }
}
