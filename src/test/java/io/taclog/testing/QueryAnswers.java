package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of every query command over a database, as JSON, to compare a database before archiving with the same
 * database afterwards read with {@code --include-archives}. Numbers are compared to a relative 1e-9: a sum over
 * the rows of two files adds them in another order than a sum over one file.
 */
public final class QueryAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryAnswers() {
    }

    /** Every query's answer, keyed by its command line; {@code tasks} are each asked about. */
    public static Map<String, JsonNode> of(Path db, boolean includeArchives, List<String> tasks) {
        List<List<String>> queries = new ArrayList<>();
        for (String by : List.of("none", "day", "week", "month", "model", "task", "worker", "session")) {
            queries.add(List.of("cost", "--by", by, "--tz", "UTC"));
            queries.add(List.of("cost", "--by", by, "--breakdown", "--tz", "America/Los_Angeles"));
        }
        queries.add(List.of("cost", "--by", "day", "--since", "2026-01-31", "--until", "2026-02-01", "--tz", "UTC"));
        queries.add(List.of("tools"));
        queries.add(List.of("tools", "--since", "2026-02-01T00:00:00Z"));
        queries.add(List.of("errors"));
        queries.add(List.of("errors", "--warnings"));
        queries.add(List.of("sessions", "--since", "2000-01-01"));
        queries.add(List.of("sessions", "--active"));
        queries.add(List.of("workers", "--failed"));
        queries.add(List.of("workers", "--active", "--include-idle"));
        queries.add(List.of("decisions", "--slow"));
        for (String task : tasks) {
            queries.add(List.of("task", task, "--full"));
            queries.add(List.of("decisions", "--task", task));
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (List<String> q : queries) {
            List<String> args = new ArrayList<>(List.of("query"));
            args.addAll(q);
            args.addAll(List.of("--db", db.toString(), "--format", "json"));
            if (includeArchives) {
                args.add("--include-archives");
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.code(), () -> String.join(" ", args) + ":\n" + r.out() + r.err());
            try {
                JsonNode n = JSON.readTree(r.out());
                out.put(String.join(" ", q), withoutClockFields(n));
            } catch (IOException e) {
                throw new AssertionError(String.join(" ", args) + " printed no JSON: " + r.out(), e);
            }
        }
        return out;
    }

    /** JSON text as a tree. */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** The tasks of the database (every one is asked about, with its whole timeline and decisions). */
    public static List<String> tasks(Path db) {
        return Sql.rows(db, "SELECT task_id FROM tasks ORDER BY task_id").stream().map(r -> (String) r.get("task_id"))
                .toList();
    }

    /** Minutes of silence count from now: they move between two runs of the same query. */
    private static JsonNode withoutClockFields(JsonNode n) {
        if (n.isArray()) {
            n.forEach(QueryAnswers::withoutClockFields);
        } else if (n instanceof ObjectNode o) {
            o.remove("silent_minutes");
            o.forEach(QueryAnswers::withoutClockFields);
        }
        return n;
    }

    /** Every query answers the same in both (numbers to a relative 1e-9). */
    public static void assertSame(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "the same queries");
        for (String q : expected.keySet()) {
            List<String> diffs = new ArrayList<>();
            compare("", expected.get(q), actual.get(q), diffs);
            if (!diffs.isEmpty()) {
                fail("query " + q + " answers differently: " + String.join("; ", diffs.subList(0,
                        Math.min(5, diffs.size()))));
            }
        }
    }

    /** At least one query answers differently (the database alone misses the archived months). */
    public static void assertDiffer(Map<String, JsonNode> a, Map<String, JsonNode> b) {
        List<String> diffs = new ArrayList<>();
        for (String q : a.keySet()) {
            compare(q, a.get(q), b.get(q), diffs);
        }
        assertTrue(!diffs.isEmpty(), "expected some answer to differ");
    }

    private static void compare(String path, JsonNode e, JsonNode a, List<String> diffs) {
        if (e == null || a == null) {
            if (e != a) {
                diffs.add(path + ": " + e + " vs " + a);
            }
            return;
        }
        if (e.isNumber() && a.isNumber()) {
            double x = e.asDouble();
            double y = a.asDouble();
            if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)))) {
                diffs.add(path + ": " + e + " vs " + a);
            }
            return;
        }
        if (e.getNodeType() != a.getNodeType() || e.size() != a.size()) {
            diffs.add(path + ": " + abbreviate(e) + " vs " + abbreviate(a));
            return;
        }
        if (e.isArray()) {
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i), diffs);
            }
        } else if (e.isObject()) {
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                compare(path + "." + f, e.get(f), a.get(f), diffs);
            }
        } else if (!e.equals(a)) {
            diffs.add(path + ": " + abbreviate(e) + " vs " + abbreviate(a));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
