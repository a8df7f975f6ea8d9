package io.taclog.sink.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.model.CodexReviewSeen;
import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.TranscriptHarness;
import io.taclog.validate.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Codex token accounting on the real rollouts, against what ccusage 20.0.24 reported for the same files
 * ({@code src/test/resources/ccusage/}): per-call usage, running totals that restart, review threads whose
 * calls the parent and the review's own rollout both record, and the pairing of the two files in either
 * order.
 */
class CodexReviewIT {

    private static final String DIR = "codex-rollout/";
    /** CLI 0.72: the parent copies the review's 26 token_count events; its total drops, then jumps back. */
    private static final String PARENT_072 =
            "vibetemplate-rollout-2025-12-13T18-47-34-019b19ae-f43c-7020-8a59-d547914d3c2a.jsonl";
    private static final String REVIEW_072 =
            "vibetemplate-rollout-2025-12-13T18-57-48-019b19b8-52a7-7581-8565-5cf115754abd.jsonl";
    /** CLI 0.104: the parent writes no token_count during the review; the review's file is the only record. */
    private static final String PARENT_0104 =
            "devenv-rollout-2026-02-19T14-18-19-019c7455-b374-78a3-a1e2-87f35af39f4e.jsonl";
    private static final String REVIEW_0104 =
            "devenv-rollout-2026-02-19T18-44-44-019c7549-9e72-7a22-bf20-1dda16fdeaaf.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    /** What validate said after the last {@link #ingestInOrder}. */
    Validator.Report validated;

    /** Tokens as ccusage reports them: uncached input, output, cache reads. */
    record Tokens(long input, long output, long cacheRead) {
        Tokens plus(Tokens o) {
            return new Tokens(input + o.input, output + o.output, cacheRead + o.cacheRead);
        }

        Tokens minus(Tokens o) {
            return new Tokens(input - o.input, output - o.output, cacheRead - o.cacheRead);
        }
    }

    /** ccusage 20.0.24's `codex session` figures by rollout file name (without the project prefix). */
    private static Map<String, JsonNode> ccusage() {
        try (InputStream in = CodexReviewIT.class.getResourceAsStream("/ccusage/codex-session-20.0.24.json")) {
            Map<String, JsonNode> out = new TreeMap<>();
            for (JsonNode s : JSON.readTree(in).get("sessions")) {
                out.put(s.get("sessionFile").asText(), s);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Tokens ccusage(String sample) {
        String name = sample.substring(sample.indexOf("rollout-"), sample.length() - ".jsonl".length());
        JsonNode s = ccusage().get(name);
        assertTrue(s != null, "ccusage reported " + name);
        return new Tokens(s.get("inputTokens").asLong(), s.get("outputTokens").asLong(),
                s.get("cacheReadTokens").asLong());
    }

    private static Tokens stored(Path db, String where, Object... args) {
        Map<String, Object> r = Sql.rows(db, "SELECT COALESCE(SUM(tokens_input), 0) AS i, "
                + "COALESCE(SUM(tokens_output), 0) AS o, COALESCE(SUM(tokens_cached_read), 0) AS c FROM api_calls "
                + where, args).get(0);
        return new Tokens(((Number) r.get("i")).longValue(), ((Number) r.get("o")).longValue(),
                ((Number) r.get("c")).longValue());
    }

    private static Path sample(String name) {
        return SharedSamples.root().resolve(DIR + name);
    }

    /** Copies the files into the watched folder one at a time, reading everything after each. */
    private Path ingestInOrder(String... names) throws IOException {
        Path logs = tmp.resolve("sessions");
        Path db = tmp.resolve("taclog.db");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            for (String n : names) {
                Files.copy(sample(n), logs.resolve(n));
                h.pump();
            }
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "validate: " + report);
            validated = report;
        }
        return db;
    }

    @ParameterizedTest(name = "parent first: {0}")
    @ValueSource(booleans = {true, false})
    void aReviewOf072IsCountedOnceWhicheverFileIsReadFirst(boolean parentFirst) throws IOException {
        Path db = parentFirst ? ingestInOrder(PARENT_072, REVIEW_072) : ingestInOrder(REVIEW_072, PARENT_072);
        // ccusage counts the parent's line 272 (the main total again, 728,790, after the review) as a call, and
        // the 13 review calls a second time in the review's own file; neither is a call
        Tokens reEmission = lastUsageAtLine(sample(PARENT_072), 272);
        assertEquals(ccusage(PARENT_072).minus(reEmission), stored(db, ""));
        assertEquals(ccusage(REVIEW_072), stored(db, "WHERE is_sidechain = 1"), "the review's calls, flagged");
        assertEquals(13L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE is_sidechain = 1"));
        assertTrue(validated.notes().stream().anyMatch(n -> n.startsWith("13 API call(s) are written in more than "
                + "one file (13 of them Codex review calls")), "validate accounts for the copies: "
                + validated.notes());
        assertReviewFiledUnderItsParent(db, "019b19ae-f43c-7020-8a59-d547914d3c2a",
                "019b19b8-52a7-7581-8565-5cf115754abd");
    }

    @ParameterizedTest(name = "parent first: {0}")
    @ValueSource(booleans = {true, false})
    void aReviewOf0104CountsTheReviewsOwnFile(boolean parentFirst) throws IOException {
        Path db = parentFirst ? ingestInOrder(PARENT_0104, REVIEW_0104) : ingestInOrder(REVIEW_0104, PARENT_0104);
        assertEquals(ccusage(PARENT_0104).plus(ccusage(REVIEW_0104)), stored(db, ""));
        assertEquals(ccusage(REVIEW_0104), stored(db, "WHERE is_sidechain = 1"));
        assertReviewFiledUnderItsParent(db, "019c7455-b374-78a3-a1e2-87f35af39f4e",
                "019c7549-9e72-7a22-bf20-1dda16fdeaaf");
    }

    private static void assertReviewFiledUnderItsParent(Path db, String parent, String review) {
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM worker_sessions WHERE agent = 'codex'"),
                "the review is part of its parent's worker");
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(DISTINCT worker_id) FROM agent_sessions "
                + "WHERE agent_session_id IN (?, ?)", parent, review), "both streams lead to one worker");
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews WHERE side = 'parent' "
                + "AND agent_session_id = ? AND partner_session_id = ?", parent, review));
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews WHERE side = 'review' "
                + "AND agent_session_id = ? AND partner_session_id = ?", review, parent));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE worker_id NOT IN "
                + "(SELECT worker_id FROM worker_sessions)"));
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM worker_sessions WHERE agent = 'codex' "
                + "AND task_id IS NULL"), "nothing names a task: the worker is unassigned");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM tasks"), "and no task is made up for either stream");
    }

    @Test
    void anUnassignedParentTakesTheTaskThePathOfItsReviewNames() throws IOException {
        Path logs = tmp.resolve("sessions");
        Path db = tmp.resolve("hinted.db");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            Files.copy(sample(PARENT_0104), logs.resolve(PARENT_0104));
            h.pump();
            Files.copy(sample(REVIEW_0104), Files.createDirectories(logs.resolve("trees/gh-5")).resolve(REVIEW_0104));
            h.pump();
        }
        assertEquals(List.of(Map.of("task_id", "gh-5")), Sql.rows(db, "SELECT task_id FROM worker_sessions "
                + "WHERE agent = 'codex'"), "the merged worker keeps the only task either stream has evidence of");
    }

    @Test
    void everyOtherSharedRolloutEqualsCcusageFileByFile() throws IOException {
        List<String> plain = new ArrayList<>();
        try (var files = Files.list(SharedSamples.root().resolve(DIR))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.contains("-rollout-"))
                    .filter(n -> !List.of(PARENT_072, REVIEW_072, PARENT_0104, REVIEW_0104).contains(n))
                    .sorted().forEach(plain::add);
        }
        assertTrue(plain.size() >= 6, "resets, model switches, re-emissions: " + plain);
        Path db = ingestInOrder(plain.toArray(String[]::new));
        for (String n : plain) {
            assertEquals(ccusage(n), stored(db, "WHERE source_file_id IN (SELECT file_id FROM ingest_files "
                    + "WHERE path LIKE ?)", "%" + n), n);
        }
    }

    @Test
    void modelsSwitchedMidRolloutArePricedPerModelWithTheTokensCcusageGivesEach() throws IOException {
        String name = "commontools-rollout-2026-07-13T17-34-22-019f5ad3-cc03-70a1-a033-21832dc4d591.jsonl";
        Path db = ingestInOrder(name);
        JsonNode models = ccusage().get(name.substring(name.indexOf("rollout-"), name.length() - 6)).get("models");
        assertEquals(2, models.size());
        models.fields().forEachRemaining(m -> assertEquals(new Tokens(m.getValue().get("inputTokens").asLong(),
                m.getValue().get("outputTokens").asLong(), m.getValue().get("cacheReadTokens").asLong()),
                stored(db, "WHERE model = ?", m.getKey()), m.getKey()));
    }

    // --- review lines without a time of their own: the CURATED fixture's are trimmed to "[trimmed for fixture]" ---

    private static final String CURATED = "agent-sessions-CURATED-codex-small.jsonl";

    /** The curated file read whole, in batches of {@code maxLines} lines (null: the default). */
    private Path ingestCurated(String name, String maxLines) throws IOException {
        Path logs = Files.createDirectories(tmp.resolve(name));
        Files.copy(sample(CURATED), logs.resolve(CURATED));
        Path db = tmp.resolve(name + ".db");
        TranscriptHarness.Builder b = TranscriptHarness.db(db).watch(logs);
        if (maxLines != null) {
            b.set("taclog.batch.max-lines", maxLines);
        }
        try (TranscriptHarness h = b.start()) {
            h.pump();
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "validate: " + report);
        }
        return db;
    }

    @Test
    void reviewLinesWithoutATimeOfTheirOwnAreOneRowEachWhateverTheBatchSize() throws IOException {
        long whole = Sql.scalar(ingestCurated("default", null), "SELECT COUNT(*) FROM codex_reviews");
        long small = Sql.scalar(ingestCurated("small", "4"), "SELECT COUNT(*) FROM codex_reviews");
        long single = Sql.scalar(ingestCurated("single", "1"), "SELECT COUNT(*) FROM codex_reviews");
        long lines = Files.readAllLines(sample(CURATED)).stream()
                .filter(l -> l.contains("\"type\":\"entered_review_mode\"")).count();
        assertEquals(6, lines, "the fixture's one session enters review mode six times, each line without a time");
        // schema v16 kept 1 row by default and 5 with max-lines=4: the lines of one batch shared its read time
        assertEquals(List.of(lines, lines, lines), List.of(whole, small, single),
                "one row per entered_review_mode line, however the lines fell into batches");
    }

    @Test
    void aReviewLineReadAgainAfterACrashIsStillOneRow() throws IOException {
        Path logs = Files.createDirectories(tmp.resolve("crash"));
        Files.copy(sample(CURATED), logs.resolve(CURATED));
        Path db = tmp.resolve("crash.db");
        TranscriptHarness h = TranscriptHarness.db(db).watch(logs).set("taclog.batch.max-lines", "4").start();
        try {
            // lines 1-72 committed (the first two review lines among them); 73-76 (two more) read, never committed
            for (int i = 0; i < 18; i++) {
                assertEquals(4, h.step());
            }
            assertEquals(2L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews"));
            assertEquals(4, h.crash());
            assertEquals(2L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews"), "the dead batch left nothing");
            h.restart();
            h.pump();
            assertEquals(6L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews"));
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "validate: " + report);
        } finally {
            h.close();
        }
        // the same lines keyed again (a later read, so a later time): no second row, the pairs as they were
        List<Map<String, Object>> before = Sql.rows(db, "SELECT rowid, * FROM codex_reviews ORDER BY rowid");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            StreamRef ref = new StreamRef((String) before.get(0).get("agent_session_id"), "codex",
                    logs.resolve(CURATED).toString(), null, null);
            for (Map<String, Object> row : before) {
                CodexReviewSeen again = new CodexReviewSeen(ref, Instant.now().plusSeconds(3600),
                        TimeSource.OBSERVED, null, false, (String) row.get("source_line"));
                WriteContext.transaction(d, Instant.now(), ctx -> {
                    new CodexReviewWriter(new WorkerLinker()).write(again, ctx);
                    return null;
                });
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertEquals(before, Sql.rows(db, "SELECT rowid, * FROM codex_reviews ORDER BY rowid"));
        assertTrue(before.stream().allMatch(r -> String.valueOf(r.get("source_line"))
                .matches("\\d+:\\d+:[0-9a-f]{16}")), "keyed '<file id>:<offset>:<line hash>': " + before);
    }

    @Test
    void copiesOfARolloutGiveItsReviewsOnceAndValidateAccountsForEveryCopy() throws IOException {
        Path logs = Files.createDirectories(tmp.resolve("copies"));
        for (String dir : List.of("a", "b", "c")) { // three copies: a backup directory beside the live one, say
            Files.createDirectories(logs.resolve(dir));
            Files.copy(sample(CURATED), logs.resolve(dir).resolve(CURATED));
        }
        Path db = tmp.resolve("copies.db");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).set("taclog.batch.max-lines", "7").start()) {
            h.pump();
            assertEquals(3L, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_files"), "three files read");
            assertEquals(6L, Sql.scalar(db, "SELECT COUNT(*) FROM codex_reviews"), "six review lines, once each");
            assertEquals(1L, Sql.scalar(db, "SELECT COUNT(DISTINCT substr(source_line, 1, instr(source_line, ':'))) "
                    + "FROM codex_reviews"), "all from the copy read first");
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "validate: " + report);
            assertTrue(report.notes().contains("12 Codex review line(s) of copies of a rollout are stored once, from "
                    + "the copy read first"), report.notes().toString());
        }
    }

    @Test
    void rowsStoredBeforeTheKeyHadTheLinesHashStillAnswerForTheirLines() throws IOException {
        Path db = ingestCurated("unhashed", null);
        Sql.exec(db, "UPDATE codex_reviews SET source_line = substr(source_line, 1, length(source_line) - 17)");
        assertTrue(Sql.rows(db, "SELECT source_line FROM codex_reviews").stream()
                .allMatch(r -> String.valueOf(r.get("source_line")).matches("\\d+:\\d+")), "as schema v17 wrote them");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(tmp.resolve("unhashed")).start()) {
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "validate over rows without the hash: " + report);
        }
        Sql.exec(db, "DELETE FROM codex_reviews WHERE rowid = (SELECT MAX(rowid) FROM codex_reviews)");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(tmp.resolve("unhashed")).start()) {
            assertTrue(!h.validate().ok(), "and a lost one is still found");
        }
    }

    @Test
    void validateFindsAReviewLineWithoutItsRowAndNotesRowsKeyedByTimeBeforeSchema17() throws IOException {
        Path db = ingestCurated("checked", null);
        Path logs = tmp.resolve("checked");
        Sql.exec(db, "DELETE FROM codex_reviews WHERE rowid = (SELECT MAX(rowid) FROM codex_reviews)");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            Validator.Report report = h.validate();
            assertTrue(!report.ok() && report.contentProblems().size() == 1
                    && report.contentProblems().get(0).startsWith("codex reviews: the review line parent "),
                    "the lost row is found: " + report.contentProblems());
        }
        // as a database written before v17 holds them after the migration: the one row v16 kept, keyed by its time
        Sql.exec(db, "DELETE FROM codex_reviews WHERE rowid > (SELECT MIN(rowid) FROM codex_reviews)",
                "UPDATE codex_reviews SET source_line = 'at ' || at");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            Validator.Report report = h.validate();
            assertTrue(report.ok(), "rows of v16 are not held against the lines: " + report);
            assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("6 Codex review line(s) of streams whose "
                    + "review rows were stored before schema v17")), report.notes().toString());
        }
    }

    private static Tokens lastUsageAtLine(Path file, int line) throws IOException {
        JsonNode r = JSON.readTree(Files.readAllLines(file).get(line - 1));
        JsonNode last = r.path("payload").path("info").path("last_token_usage");
        long in = last.get("input_tokens").asLong();
        long cached = last.get("cached_input_tokens").asLong();
        return new Tokens(in - cached, last.get("output_tokens").asLong(), cached);
    }

    // --- faithful files written from the format, for what the real ones lack ---

    private static String meta(String ts, String id, String source) {
        return "{\"timestamp\":\"" + ts + "\",\"type\":\"session_meta\",\"payload\":{\"id\":\"" + id + "\","
                + "\"timestamp\":\"" + ts + "\",\"cwd\":\"/work/app\",\"originator\":\"codex_cli_rs\","
                + "\"cli_version\":\"0.77.0\",\"source\":" + source + ",\"model_provider\":\"openai\"}}";
    }

    private static String turn(String ts) {
        return "{\"timestamp\":\"" + ts + "\",\"type\":\"turn_context\",\"payload\":{\"cwd\":\"/work/app\","
                + "\"model\":\"gpt-5.2-codex\"}}";
    }

    private static String event(String ts, String type) {
        return "{\"timestamp\":\"" + ts + "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"" + type + "\"}}";
    }

    private static String usage(long in, long cached, long out) {
        return "{\"input_tokens\":" + in + ",\"cached_input_tokens\":" + cached + ",\"output_tokens\":" + out
                + ",\"reasoning_output_tokens\":0,\"total_tokens\":" + (in + out) + "}";
    }

    private static String tokens(String ts, long[] total, long[] last) {
        String info = total == null ? "null" : "{\"total_token_usage\":" + usage(total[0], total[1], total[2])
                + ",\"last_token_usage\":" + usage(last[0], last[1], last[2]) + ",\"model_context_window\":272000}";
        return "{\"timestamp\":\"" + ts + "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\","
                + "\"info\":" + info + ",\"rate_limits\":null}}";
    }

    private Path write(Path dir, String name, String... lines) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), (String.join("\n", lines) + "\n").getBytes());
    }

    @Test
    void aReviewThatRestartsTheTotalCountsOnceWhenItsOwnFileArrivesFirst() throws IOException {
        String parent = "0199aaaa-0000-7000-8000-000000000001";
        String review = "0199aaaa-0000-7000-8000-000000000002";
        Path logs = tmp.resolve("live");
        Path db = tmp.resolve("faithful.db");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            write(logs, "rollout-2026-01-10T10-00-01-" + review + ".jsonl",
                    meta("2026-01-10T09:00:10.001Z", review, "{\"subagent\":\"review\"}"),
                    turn("2026-01-10T09:00:10.002Z"),
                    tokens("2026-01-10T09:00:11.000Z", null, null),
                    tokens("2026-01-10T09:00:12.000Z", new long[] {5000, 0, 50}, new long[] {5000, 0, 50}),
                    tokens("2026-01-10T09:00:12.500Z", new long[] {5000, 0, 50}, new long[] {5000, 0, 50}),
                    tokens("2026-01-10T09:00:14.000Z", new long[] {11000, 4000, 90}, new long[] {6000, 4000, 40}));
            h.pump();
            write(logs, "rollout-2026-01-10T10-00-00-" + parent + ".jsonl",
                    meta("2026-01-10T09:00:00.000Z", parent, "\"cli\""),
                    turn("2026-01-10T09:00:00.100Z"),
                    tokens("2026-01-10T09:00:05.000Z", new long[] {90000, 80000, 900}, new long[] {30000, 28000, 300}),
                    event("2026-01-10T09:00:10.000Z", "entered_review_mode"),
                    tokens("2026-01-10T09:00:11.000Z", null, null),
                    tokens("2026-01-10T09:00:12.000Z", new long[] {5000, 0, 50}, new long[] {5000, 0, 50}),
                    tokens("2026-01-10T09:00:12.500Z", new long[] {5000, 0, 50}, new long[] {5000, 0, 50}),
                    tokens("2026-01-10T09:00:14.000Z", new long[] {11000, 4000, 90}, new long[] {6000, 4000, 40}),
                    event("2026-01-10T09:00:14.001Z", "exited_review_mode"),
                    tokens("2026-01-10T09:01:00.000Z", new long[] {90000, 80000, 900}, new long[] {30000, 28000, 300}),
                    tokens("2026-01-10T09:01:02.000Z", new long[] {120000, 108000, 950},
                            new long[] {30000, 28000, 50}));
            h.pump();
            assertTrue(h.validate().ok());
        }
        // main: 30000/28000/300 and 30000/28000/50; review: 5000/0/50 and 6000/4000/40, each once
        assertEquals(4L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls"));
        assertEquals(new Tokens(2000 + 2000 + 5000 + 2000, 300 + 50 + 50 + 40, 28000 + 28000 + 4000), stored(db, ""));
        assertEquals(2L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE is_sidechain = 1"));
        assertReviewFiledUnderItsParent(db, parent, review);
    }

    @Test
    void aNullInfoThenARestartedTotalIsOneNewCallOfItsOwnSize() throws IOException {
        String id = "0199bbbb-0000-7000-8000-000000000001";
        Path logs = tmp.resolve("reset");
        Path db = tmp.resolve("reset.db");
        try (TranscriptHarness h = TranscriptHarness.db(db).watch(logs).start()) {
            write(logs, "rollout-2026-01-11T10-00-00-" + id + ".jsonl",
                    meta("2026-01-11T09:00:00.000Z", id, "\"cli\""),
                    turn("2026-01-11T09:00:00.100Z"),
                    tokens("2026-01-11T09:00:05.000Z", new long[] {90000, 80000, 900}, new long[] {90000, 80000, 900}),
                    event("2026-01-11T09:00:06.000Z", "turn_aborted"),
                    tokens("2026-01-11T09:00:07.000Z", null, null),
                    tokens("2026-01-11T09:00:09.000Z", new long[] {7000, 1000, 70}, new long[] {7000, 1000, 70}),
                    tokens("2026-01-11T09:00:09.400Z", new long[] {7000, 1000, 70}, new long[] {7000, 1000, 70}),
                    tokens("2026-01-11T09:00:12.000Z", new long[] {15000, 8000, 100}, new long[] {8000, 7000, 30}));
            h.pump();
            assertTrue(h.validate().ok());
        }
        assertEquals(3L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls"), "the null and the re-emission are no calls");
        assertEquals(new Tokens(10000 + 6000 + 1000, 900 + 70 + 30, 80000 + 1000 + 7000), stored(db, ""));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE tokens_input < 0 OR tokens_output < 0 "
                + "OR tokens_cached_read < 0"));
    }
}
