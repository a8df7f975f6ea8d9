package io.taclog.validate;

import io.taclog.ingest.ParsedLine;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.TokenUsage;
import io.taclog.source.SourceFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per worker: message count, API call count and token sums recomputed from the raw transcripts (with
 * the same dedupe rules: one block per natural key, one call per response keeping the largest usage)
 * must equal what the database holds.
 *
 * <p>Only rows first stored from a file generation the validator could read again are compared: a
 * generation that was truncated (TAC-8 truncates a task's log at every respawn) or changed since its
 * commit cannot be re-parsed, so its rows are neither expected nor counted.
 */
public final class WorkerTotalsCheck implements ContentCheck {

    private final Map<String, Set<String>> blocksByStream = new HashMap<>();
    private final Map<String, ApiCallObserved> calls = new HashMap<>();
    private final Map<String, String> callStream = new HashMap<>();
    /** Files each API call was seen in, for calls seen in more than one (copies, Codex reviews). */
    private final Map<String, Set<Long>> callFiles = new HashMap<>();
    private final Map<String, Long> firstFile = new HashMap<>();
    /** The request id each stored call took (its first sighting that had one), as the writer keeps it. */
    private final Map<String, String> requestOf = new HashMap<>();
    /** File generations whose committed lines were re-parsed (the others cannot be checked). */
    private final Set<Long> verifiedFiles = new HashSet<>();

    private static final class Totals {
        long messages;
        long calls;
        long input;
        long output;
        long cacheRead;
        long cacheWrite;

        @Override
        public String toString() {
            return messages + " messages, " + calls + " calls, tokens in/out/cache-read/cache-write " + input + "/"
                    + output + "/" + cacheRead + "/" + cacheWrite;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Totals t && t.messages == messages && t.calls == calls && t.input == input
                    && t.output == output && t.cacheRead == cacheRead && t.cacheWrite == cacheWrite;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(messages * 31 + calls);
        }
    }

    @Override
    public String name() {
        return "worker totals";
    }

    @Override
    public void accept(SourceFile file, ParsedLine line) {
        verifiedFiles.add(file.fileId());
        for (Fact f : ContentCheck.factsOf(line)) {
            if (f instanceof ConversationBlock b) {
                blocksByStream.computeIfAbsent(streamKey(b.stream()), k -> new HashSet<>()).add(b.dedupKey());
            } else if (f instanceof ApiCallObserved c) {
                String key = c.dedupKey();
                // the writer's rule: the same message id under another request id is another call
                String stored = requestOf.get(key);
                if (stored != null && c.requestId() != null && !stored.equals(c.requestId())) {
                    key = key + ":" + c.requestId();
                }
                if (c.requestId() != null) {
                    requestOf.putIfAbsent(key, c.requestId());
                }
                Long first = firstFile.putIfAbsent(key, file.fileId());
                if (first != null && first != file.fileId()) {
                    callFiles.computeIfAbsent(key, k -> new HashSet<>(Set.of(first))).add(file.fileId());
                }
                ApiCallObserved prev = calls.get(key);
                if (prev == null) {
                    calls.put(key, c);
                    callStream.put(key, streamKey(c.stream()));
                } else if (c.usage().total() > prev.usage().total()) {
                    calls.put(key, c);
                }
            }
        }
    }

    /**
     * Calls written in several files (a resumed or copied Claude session, a Codex review written by the parent and
     * by the review's own rollout): each such line is accounted as a line with rows, and the call is one row.
     */
    @Override
    public List<String> notes() {
        if (callFiles.isEmpty()) {
            return List.of();
        }
        long review = callFiles.keySet().stream().filter(k -> k.startsWith("codex-review:")).count();
        long sightings = callFiles.values().stream().mapToLong(Set::size).sum();
        return List.of(String.format("%d API call(s) are written in more than one file (%d of them Codex review "
                + "calls written by the parent and by the review's own rollout): %d sightings, each call stored "
                + "once", callFiles.size(), review, sightings));
    }

    private static String streamKey(StreamRef s) {
        return s.agentSessionId() != null ? s.agentSessionId() : "file:" + s.sourcePath();
    }

    @Override
    public List<String> compare(Connection db) throws SQLException {
        Map<String, String> workerOf = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT agent_session_id, worker_id FROM agent_sessions");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                workerOf.put(rs.getString(1), rs.getString(2));
            }
        }
        Map<String, Totals> expected = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        // Rows first read from a generation that cannot be re-read (truncated, changed) are left out on
        // both sides; without this every TAC-8 respawn made validate report a false mismatch.
        Set<String> unverifiable = new HashSet<>();
        Map<String, Totals> stored = storedTotals(db, unverifiable);
        Map<String, Set<String>> keysByWorker = new HashMap<>();
        Map<String, Set<String>> callKeysByWorker = new HashMap<>();
        for (var e : blocksByStream.entrySet()) {
            String w = workerOf.get(e.getKey());
            if (w == null) {
                problems.add("stream " + e.getKey() + " has conversation rows in the raw files but no worker");
                continue;
            }
            for (String key : e.getValue()) {
                if (!unverifiable.contains("c:" + w + "\0" + key)) {
                    keysByWorker.computeIfAbsent(w, k -> new HashSet<>()).add(key);
                }
            }
        }
        keysByWorker.forEach((w, keys) -> expected.computeIfAbsent(w, k -> new Totals()).messages = keys.size());
        Map<String, String> storedWorkerOfCall = storedCallWorkers(db);
        for (var e : calls.entrySet()) {
            if (unverifiable.contains("a:" + e.getKey())) {
                continue;
            }
            String w = storedWorkerOfCall.getOrDefault(e.getKey(), workerOf.get(callStream.get(e.getKey())));
            if (w == null) {
                problems.add("API call " + e.getKey() + " is in the raw files but not in the database");
                continue;
            }
            Totals t = expected.computeIfAbsent(w, k -> new Totals());
            callKeysByWorker.computeIfAbsent(w, k -> new HashSet<>()).add(e.getKey());
            TokenUsage u = e.getValue().usage();
            t.calls++;
            t.input += u.input();
            t.output += u.output();
            t.cacheRead += u.cacheRead();
            t.cacheWrite += u.cacheWrite();
        }
        for (var e : expected.entrySet()) {
            Totals s = stored.getOrDefault(e.getKey(), new Totals());
            if (!s.equals(e.getValue())) {
                problems.add("worker " + e.getKey() + ": raw files say " + e.getValue() + "; database holds " + s
                        + differingKeys(db, e.getKey(), keysByWorker.getOrDefault(e.getKey(), Set.of()),
                                callKeysByWorker.getOrDefault(e.getKey(), Set.of())));
            }
        }
        for (var e : stored.entrySet()) {
            if (!expected.containsKey(e.getKey()) && (e.getValue().messages > 0 || e.getValue().calls > 0)) {
                problems.add("worker " + e.getKey() + ": raw files say nothing; database holds " + e.getValue());
            }
        }
        return problems;
    }

    private static Map<String, String> storedCallWorkers(Connection db) throws SQLException {
        Map<String, String> m = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT dedup_key, worker_id FROM api_calls WHERE dedup_key IS NOT NULL "
                        + "AND source <> 'coordinator-api-log'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
        }
        return m;
    }

    /** Stored totals of rows from re-read generations; the keys of the other rows go to {@code unverifiable}. */
    /** A few natural keys on either side only, so that a mismatch says what differs (asked only on mismatch). */
    private String differingKeys(Connection db, String worker, Set<String> rawBlocks, Set<String> rawCalls)
            throws SQLException {
        Set<String> blocks = storedKeys(db, "SELECT dedup_key, source_file_id FROM conversations WHERE worker_id = ? "
                + "AND dedup_key IS NOT NULL", worker);
        Set<String> calls = storedKeys(db, "SELECT dedup_key, source_file_id FROM api_calls WHERE worker_id = ? "
                + "AND source <> 'coordinator-api-log'", worker);
        StringBuilder sb = new StringBuilder();
        appendDifference(sb, "messages only in the raw files", rawBlocks, blocks);
        appendDifference(sb, "messages only in the database", blocks, rawBlocks);
        appendDifference(sb, "calls only in the raw files", rawCalls, calls);
        appendDifference(sb, "calls only in the database", calls, rawCalls);
        return sb.toString();
    }

    private Set<String> storedKeys(Connection db, String sql, String worker) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, worker);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long file = rs.getLong(2);
                    if (!rs.wasNull() && verifiedFiles.contains(file)) {
                        keys.add(rs.getString(1));
                    }
                }
            }
        }
        return keys;
    }

    private static void appendDifference(StringBuilder sb, String what, Set<String> a, Set<String> b) {
        List<String> only = a.stream().filter(k -> !b.contains(k)).sorted().limit(3).toList();
        if (!only.isEmpty()) {
            sb.append("; ").append(what).append(": ").append(only);
        }
    }

    private Map<String, Totals> storedTotals(Connection db, Set<String> unverifiable) throws SQLException {
        Map<String, Totals> m = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, dedup_key, source_file_id "
                + "FROM conversations WHERE dedup_key IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long file = rs.getLong(3);
                if (rs.wasNull() || !verifiedFiles.contains(file)) {
                    unverifiable.add("c:" + rs.getString(1) + "\0" + rs.getString(2));
                } else {
                    m.computeIfAbsent(rs.getString(1), k -> new Totals()).messages++;
                }
            }
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, dedup_key, source_file_id, tokens_input, "
                + "tokens_output, tokens_cached_read, tokens_cached_write FROM api_calls "
                + "WHERE source <> 'coordinator-api-log'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long file = rs.getLong(3);
                if (rs.wasNull() || !verifiedFiles.contains(file)) {
                    unverifiable.add("a:" + rs.getString(2));
                    continue;
                }
                Totals t = m.computeIfAbsent(rs.getString(1), k -> new Totals());
                t.calls++;
                t.input += rs.getLong(4);
                t.output += rs.getLong(5);
                t.cacheRead += rs.getLong(6);
                t.cacheWrite += rs.getLong(7);
            }
        }
        return m;
    }
}
