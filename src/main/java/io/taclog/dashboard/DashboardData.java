package io.taclog.dashboard;

import io.taclog.model.Times;
import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.CostRow;
import io.taclog.query.DecisionsQuery;
import io.taclog.query.Rows;
import io.taclog.query.SearchQuery;
import io.taclog.query.TaskStory;
import io.taclog.query.TimeWindow;
import io.taclog.query.ToolsQuery;
import io.taclog.query.WorkersQuery;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.source.FileKey;
import io.taclog.source.FileStat;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dashboard's JSON endpoints answer, read through one read-only connection per call. Every figure that
 * {@code taclog query} also prints comes from the same query class ({@link CostQuery}, {@link TaskStory},
 * {@link ToolsQuery}, {@link DecisionsQuery}, {@link WorkersQuery}), so the page and the command line agree. Lists
 * are paged and aggregated in SQL: no endpoint reads a table whole.
 */
public final class DashboardData {

    /** Characters of a conversation block sent with a page of the viewer; the rest on "show all". */
    public static final int PREVIEW_CHARS = 2000;
    /** Blocks of a conversation per page of the viewer. */
    public static final int MAX_MESSAGES = 500;
    /** Tool calls drawn on a task's timeline. */
    static final int MAX_TIMELINE_TOOLS = 3000;
    /** Days of the cost page's default window (ending at the newest call). */
    static final int DEFAULT_COST_DAYS = 30;
    /** Days of the performance page's default window (ending at the newest call). */
    static final int DEFAULT_PERFORMANCE_DAYS = 7;

    private static final Pattern IMAGE = Pattern.compile("^\\[image ([^,\\]]{1,100}), (\\d{1,15}) (bytes|base64 characters)");

    private final ZoneId zone;
    private final Optional<Double> dailyBudgetUsd;

    public DashboardData(ZoneId zone, Optional<Double> dailyBudgetUsd) {
        this.zone = zone;
        this.dailyBudgetUsd = dailyBudgetUsd;
    }

    public ZoneId zone() {
        return zone;
    }

    // --- overview ---------------------------------------------------------------------------------------------

    /** Sessions (active first), running workers, today's cost and budget, recent problems, ingest health. */
    public Map<String, Object> overview(Connection c, Instant now) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", Times.format(now));
        out.put("zone", zone.getId());
        out.put("sessions", Rows.query(c, "SELECT s.session_id, s.started_at, s.ended_at, s.exit_reason, s.hostname, "
                + "s.pid, s.last_seen_at, CASE WHEN s.ended_at IS NULL THEN 1 ELSE 0 END AS active, " // 1/0 on both back ends
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.session_id = s.session_id) AS workers, "
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.session_id = s.session_id "
                + "AND w.status IN ('spawned', 'running')) AS workers_running, "
                + "(SELECT COUNT(*) FROM tasks t WHERE t.session_id = s.session_id) AS tasks, "
                + "(SELECT COUNT(*) FROM system_events e WHERE e.session_id = s.session_id "
                + "AND e.severity IN ('error', 'critical')) AS errors "
                + "FROM (SELECT * FROM coordinator_sessions WHERE session_id <> ? "
                + "ORDER BY ended_at IS NULL DESC, started_at DESC LIMIT 20) s "
                + "ORDER BY s.ended_at IS NULL DESC, s.started_at DESC", WorkerLinker.NO_COORDINATOR));
        out.put("workers", runningWorkers(c, now));
        out.put("today", today(c, now));
        out.put("problems", Rows.query(c, "SELECT event_id, timestamp, time_source, severity, event_type, message, "
                + "worker_id, task_id, session_id FROM system_events WHERE severity IN ('warning', 'error', 'critical') "
                + "ORDER BY timestamp DESC, event_id DESC LIMIT 15"));
        out.put("episodes", Rows.query(c, "SELECT kind, subject_id, opened_at, last_member_at, "
                + "(SELECT COUNT(*) FROM derived_episode_members m WHERE m.episode_id = d.episode_id) AS members "
                + "FROM derived_episodes d WHERE closed_at IS NULL ORDER BY opened_at DESC, episode_id DESC LIMIT 20"));
        out.put("ingest", ingest(c, now));
        return out;
    }

    /** Running workers with live counters (calls, tokens, cost so far) and how long each has been silent. */
    private List<Map<String, Object>> runningWorkers(Connection c, Instant now) throws SQLException {
        List<Map<String, Object>> active = new WorkersQuery(c).active(now, Duration.ofMinutes(60), false);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> w : active.subList(0, Math.min(active.size(), 100))) {
            Map<String, Object> tokens = Rows.one(c, "SELECT COALESCE(SUM(tokens_input), 0) AS tokens_input, "
                    + "COALESCE(SUM(tokens_output), 0) AS tokens_output, COALESCE(SUM(tokens_cached_read), 0) AS "
                    + "tokens_cache_read, COALESCE(SUM(tokens_cached_write), 0) AS tokens_cache_write, "
                    + "MAX(timestamp) AS last_call_at FROM api_calls WHERE worker_id = ?", w.get("worker_id"));
            Map<String, Object> row = new LinkedHashMap<>(w);
            row.putAll(tokens);
            out.add(row);
        }
        return out;
    }

    /** Today's cost (the figures of {@code query cost --today}) against the optional daily budget. */
    private Map<String, Object> today(Connection c, Instant now) throws SQLException {
        TimeWindow w = TimeWindow.today(zone, now);
        List<CostRow> byModel = new CostQuery(c, zone).run(w, CostGrouping.MODEL, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", now.atZone(zone).toLocalDate().toString());
        out.put("total", costRow(CostRow.total(byModel)));
        out.put("by_model", costRows(byModel));
        out.put("budget_usd", dailyBudgetUsd.orElse(null));
        return out;
    }

    /** Per source kind: files followed, bytes not yet committed and for how long, rejected lines. */
    private Map<String, Object> ingest(Connection c, Instant now) throws SQLException {
        Map<String, Map<String, Object>> kinds = new TreeMap<>();
        List<Map<String, Object>> lagging = new ArrayList<>();
        for (Map<String, Object> f : Rows.query(c, "SELECT f.file_id, f.source_kind, f.path, f.device, f.inode, "
                + "f.committed_offset, f.last_commit_at, f.first_seen_at, f.state, "
                + "COALESCE(l.lines_rejected, 0) AS rejected FROM ingest_files f "
                + "LEFT JOIN ingest_ledger l USING (file_id) WHERE f.state <> 'superseded'")) {
            Map<String, Object> k = kinds.computeIfAbsent((String) f.get("source_kind"), x -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("source_kind", x);
                m.put("files", 0L);
                m.put("files_active", 0L);
                m.put("lag_bytes", 0L);
                m.put("lag_seconds", 0L);
                m.put("files_behind", 0L);
                m.put("rejected_lines", 0L);
                m.put("last_commit_at", null);
                return m;
            });
            k.merge("files", 1L, (a, b) -> (Long) a + (Long) b);
            if ("active".equals(f.get("state"))) {
                k.merge("files_active", 1L, (a, b) -> (Long) a + (Long) b);
            }
            k.merge("rejected_lines", Rows.lng(f.get("rejected")), (a, b) -> (Long) a + (Long) b);
            String last = (String) f.get("last_commit_at");
            if (last != null && (k.get("last_commit_at") == null || last.compareTo((String) k.get("last_commit_at")) > 0)) {
                k.put("last_commit_at", last);
            }
            if (!"active".equals(f.get("state"))) {
                continue;
            }
            Long size = sizeNow((String) f.get("path"), new FileKey(Rows.lng(f.get("device")), Rows.lng(f.get("inode"))));
            long pending = size == null ? 0 : Math.max(0, size - Rows.lng(f.get("committed_offset")));
            if (pending > 0) {
                Instant since = Times.parseOrNull(last != null ? last : (String) f.get("first_seen_at"));
                long seconds = since == null ? 0 : Math.max(0, Duration.between(since, now).getSeconds());
                k.merge("lag_bytes", pending, (a, b) -> (Long) a + (Long) b);
                k.merge("files_behind", 1L, (a, b) -> (Long) a + (Long) b);
                k.put("lag_seconds", Math.max((Long) k.get("lag_seconds"), seconds));
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("file_id", f.get("file_id"));
                l.put("source_kind", f.get("source_kind"));
                l.put("path", f.get("path"));
                l.put("lag_bytes", pending);
                l.put("lag_seconds", seconds);
                lagging.add(l);
            }
        }
        lagging.sort((a, b) -> Long.compare((Long) b.get("lag_bytes"), (Long) a.get("lag_bytes")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sources", new ArrayList<>(kinds.values()));
        out.put("lagging_files", lagging.subList(0, Math.min(10, lagging.size())));
        out.put("rejects", Rows.one(c, "SELECT COUNT(*) AS total, "
                + "COALESCE(SUM(rejected_at >= ?), 0) AS last_hour FROM ingest_rejects",
                Times.format(now.minus(Duration.ofHours(1)))));
        out.put("recent_rejects", Rows.query(c, "SELECT reject_id, path, byte_offset, length, kind, error, "
                + "rejected_at FROM ingest_rejects ORDER BY reject_id DESC LIMIT 5"));
        return out;
    }

    private static Long sizeNow(String path, FileKey key) {
        try {
            return FileStat.of(Path.of(path)).filter(s -> s.key().equals(key)).map(FileStat::size).orElse(null);
        } catch (IOException | InvalidPathException | SecurityException e) {
            return null;
        }
    }

    // --- cost -------------------------------------------------------------------------------------------------

    /** The default window of a page: {@code days} days ending on the day of the newest API call (or today). */
    public LocalDate[] defaultWindow(Connection c, int days, Instant now) throws SQLException {
        Map<String, Object> r = Rows.one(c, "SELECT MAX(timestamp) AS t FROM api_calls");
        Instant newest = r == null ? null : Times.parseOrNull((String) r.get("t"));
        LocalDate until = (newest == null ? now : newest).atZone(zone).toLocalDate();
        return new LocalDate[] {until.minusDays(days - 1L), until};
    }

    /**
     * The cost report of {@code query cost --by BY [--breakdown] --since FROM --until UNTIL}: the same rows (in the
     * same order) and total. {@code top} > 0 keeps only the groups of the highest cost (a chart's bars);
     * {@code size} > 0 returns one page of the groups (a table). One report is computed per request: the total is
     * the sum of the rows, as every grouping of {@code query cost} has the same grand total.
     */
    public Map<String, Object> cost(Connection c, LocalDate from, LocalDate until, String by, boolean breakdown,
                                    int top, int page, int size, Instant now) throws SQLException {
        if (from == null || until == null) {
            LocalDate[] d = defaultWindow(c, DEFAULT_COST_DAYS, now);
            from = from == null ? d[0] : from;
            until = until == null ? d[1] : until;
        }
        TimeWindow w = Params.window(from, until, zone);
        CostGrouping grouping = CostGrouping.valueOf(by.toUpperCase(java.util.Locale.ROOT));
        List<CostRow> rows = new CostQuery(c, zone).run(w, grouping, breakdown);
        Map<String, Double> byKey = new LinkedHashMap<>();
        for (CostRow r : rows) {
            byKey.merge(r.key(), r.costUsd(), Double::sum);
        }
        List<String> keys = new ArrayList<>(byKey.keySet());
        if (top > 0) {
            keys.sort((a, b) -> Double.compare(byKey.get(b), byKey.get(a)));
            keys = keys.subList(0, Math.min(top, keys.size()));
        } else if (size > 0) {
            int start = Math.min(keys.size(), (page - 1) * size);
            keys = keys.subList(start, Math.min(keys.size(), start + size));
        }
        java.util.Set<String> kept = new java.util.HashSet<>(keys);
        List<CostRow> shown = new ArrayList<>();
        for (CostRow r : rows) {
            if (kept.contains(r.key())) {
                shown.add(r);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("until", until.toString());
        out.put("zone", zone.getId());
        out.put("group_by", by);
        out.put("breakdown", breakdown);
        out.put("groups", byKey.size());
        out.put("page", page);
        out.put("size", size);
        out.put("rows", costRows(shown));
        out.put("total", costRow(CostRow.total(rows)));
        return out;
    }

    static List<Map<String, Object>> costRows(List<CostRow> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CostRow r : rows) {
            out.add(costRow(r));
        }
        return out;
    }

    /** A cost row with the property names of {@code query cost --format json}. */
    static Map<String, Object> costRow(CostRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", r.key());
        m.put("model", r.model());
        m.put("calls", r.calls());
        m.put("tokens_input", r.tokensInput());
        m.put("tokens_output", r.tokensOutput());
        m.put("tokens_cache_read", r.tokensCacheRead());
        m.put("tokens_cache_write", r.tokensCacheWrite());
        m.put("estimated_usd", round6(r.estimatedUsd()));
        m.put("reported_usd", round6(r.reportedUsd()));
        m.put("cost_usd", round6(r.costUsd()));
        m.put("basis", r.basis());
        m.put("unpriced_calls", r.unpricedCalls());
        return m;
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    // --- tasks ------------------------------------------------------------------------------------------------

    /** A page of tasks, newest first, each with its workers, calls, cost and PR. */
    public Map<String, Object> tasks(Connection c, String status, String text, int page, int size)
            throws SQLException {
        String like = text == null ? null : "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%";
        // Case ignored on both back ends: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not, so
        // both sides are lower()ed (each back end folds the same way on both sides; SQLite's lower() folds ASCII
        // only, PostgreSQL's every letter). A NULL parameter is typed: PostgreSQL cannot infer the type of "? IS NULL".
        String where = "WHERE (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT) IS NULL "
                + "OR lower(task_id) LIKE lower(?) ESCAPE '\\' OR lower(title) LIKE lower(?) ESCAPE '\\')";
        long total = Rows.lng(Rows.one(c, "SELECT COUNT(*) AS n FROM tasks " + where, status, status, like, like,
                like).get("n"));
        List<Map<String, Object>> rows = Rows.query(c, "SELECT t.task_id, t.title, t.status, t.source, t.detected_at, "
                + "t.time_source, t.completed_at, t.failed_at, t.issue_number, t.issue_url, t.pr_number, t.pr_url, "
                + "t.attempts, t.failure_reason, "
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.task_id = t.task_id) AS workers, "
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.task_id = t.task_id "
                + "AND w.status IN ('spawned', 'running')) AS workers_running, "
                + "(SELECT COUNT(*) FROM api_calls a JOIN worker_sessions w ON w.worker_id = a.worker_id "
                + "WHERE w.task_id = t.task_id) AS calls, "
                + "(SELECT SUM(COALESCE(w.reported_cost_usd, (SELECT SUM(a.estimated_cost_usd) FROM api_calls a "
                + "WHERE a.worker_id = w.worker_id))) FROM worker_sessions w WHERE w.task_id = t.task_id) AS cost_usd, "
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.task_id = t.task_id "
                + "AND w.reported_cost_usd IS NOT NULL) AS workers_reported, "
                + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.task_id = t.task_id AND w.reported_cost_usd IS NULL "
                + "AND EXISTS (SELECT 1 FROM api_calls a WHERE a.worker_id = w.worker_id)) AS workers_estimated "
                + "FROM (SELECT * FROM tasks " + where + " ORDER BY detected_at DESC, task_id LIMIT ? OFFSET ?) t "
                + "ORDER BY t.detected_at DESC, t.task_id", status, status, like, like, like, size,
                (long) (page - 1) * size);
        for (Map<String, Object> r : rows) {
            // as TaskStory: a worker without calls and without a reported cost counts for neither basis
            boolean reported = Rows.lng(r.remove("workers_reported")) > 0;
            boolean estimated = Rows.lng(r.remove("workers_estimated")) > 0;
            r.put("basis", reported && estimated ? "mixed" : reported ? "reported" : "estimated");
            if (r.get("cost_usd") != null) {
                r.put("cost_usd", round6(Rows.dbl(r.get("cost_usd"))));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("page", page);
        out.put("size", size);
        out.put("rows", rows);
        out.put("statuses", Rows.query(c, "SELECT status, COUNT(*) AS n FROM tasks GROUP BY status ORDER BY status"));
        return out;
    }

    /**
     * A task's story as {@code query task ID --full} tells it (task row, workers with their cost roll-up, timeline
     * with the source of each time), plus what its timeline chart draws: each worker's subagents as bars and its
     * tool calls. Null when the task does not exist.
     */
    public Map<String, Object> task(Connection c, String taskId) throws SQLException {
        TaskStory.Story story = new TaskStory(c).load(taskId, true);
        if (story == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", story.task());
        out.put("totals", story.totals());
        out.put("workers", story.workers());
        out.put("timeline", story.timeline());
        List<String> ids = story.workers().stream().map(TaskStory.WorkerSummary::workerId).toList();
        String json = CostQuery.jsonArray(ids);
        out.put("subagents", Rows.query(c, "SELECT s.worker_id, s.parent_tool_use_id, s.started_at, s.ended_at, "
                + "s.blocks, json_extract(u.tool_input, '$.subagent_type') AS subagent_type, "
                + "json_extract(u.tool_input, '$.description') AS description FROM (SELECT worker_id, "
                + "parent_tool_use_id, MIN(timestamp) AS started_at, MAX(timestamp) AS ended_at, COUNT(*) AS blocks "
                + "FROM conversations WHERE worker_id IN (SELECT value FROM json_each(?)) AND parent_tool_use_id IS "
                + "NOT NULL GROUP BY worker_id, parent_tool_use_id) s LEFT JOIN conversations u "
                + "ON u.worker_id = s.worker_id AND u.dedup_key = 'tu:' || s.parent_tool_use_id "
                + "ORDER BY s.started_at, s.worker_id, s.parent_tool_use_id", json));
        List<Map<String, Object>> tools = Rows.query(c, "SELECT worker_id, tool_name, called_at, answered_at, "
                + "tool_success, unanswered, tool_latency_ms, is_sidechain, call_conversation_id FROM tool_calls "
                + "WHERE worker_id IN (SELECT value FROM json_each(?)) ORDER BY called_at, call_conversation_id LIMIT ?", json,
                MAX_TIMELINE_TOOLS + 1);
        out.put("tools_truncated", tools.size() > MAX_TIMELINE_TOOLS);
        out.put("tools", tools.subList(0, Math.min(tools.size(), MAX_TIMELINE_TOOLS)));
        out.put("decisions", new DecisionsQuery(c).forTask(taskId));
        return out;
    }

    // --- a worker's conversation --------------------------------------------------------------------------------

    /** The worker, its task, its cost and call figures, and its error events. Null when it does not exist. */
    public Map<String, Object> worker(Connection c, String workerId) throws SQLException {
        Map<String, Object> w = Rows.one(c, "SELECT worker_id, task_id, session_id, status, spawned_at, time_source, "
                + "completed_at, failed_at, exit_code, failure_reason, failure_type, pid, worktree_path, branch_name, "
                + "log_file, origin, agent, agent_session_id, model, cwd, first_activity_at, last_activity_at, "
                + "reported_cost_usd, result_subtype, result_is_error, duration_ms, duration_api_ms, num_turns "
                + "FROM worker_sessions WHERE worker_id = ?", workerId);
        if (w == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("worker", w);
        if (w.get("task_id") != null) {
            out.put("task", Rows.one(c, "SELECT task_id, title, status FROM tasks WHERE task_id = ?", w.get("task_id")));
        }
        Map<String, Object> calls = Rows.one(c, "SELECT COUNT(*) AS calls, COALESCE(SUM(is_sidechain), 0) AS "
                + "sidechain_calls, COALESCE(SUM(tokens_input), 0) AS tokens_input, COALESCE(SUM(tokens_output), 0) AS "
                + "tokens_output, COALESCE(SUM(tokens_cached_read), 0) AS tokens_cache_read, "
                + "COALESCE(SUM(tokens_cached_write), 0) AS tokens_cache_write, "
                + "ROUND(COALESCE(SUM(estimated_cost_usd), 0), 6) AS estimated_usd, "
                + "COALESCE(SUM(estimated_cost_usd IS NULL), 0) AS unpriced_calls, "
                + "COALESCE(SUM(success = 0), 0) AS failed_calls FROM api_calls WHERE worker_id = ?", workerId);
        Object reported = w.get("reported_cost_usd");
        calls.put("cost_usd", reported != null ? reported : calls.get("estimated_usd"));
        calls.put("basis", reported != null ? "reported" : "estimated");
        out.put("totals", calls);
        out.put("blocks", Rows.lng(Rows.one(c, "SELECT COUNT(*) AS n FROM conversations WHERE worker_id = ?", workerId)
                .get("n")));
        out.put("events", Rows.query(c, "SELECT event_id, timestamp, time_source, severity, event_type, message "
                + "FROM system_events WHERE worker_id = ? AND severity IN ('warning', 'error', 'critical') "
                + "ORDER BY timestamp, event_id LIMIT 200", workerId));
        return out;
    }

    /**
     * A page of a worker's conversation from message index {@code from}: each block with the first
     * {@link #PREVIEW_CHARS} characters of its whole text (the full tool input or output, not the stored preview),
     * its length, and for a tool call its result folded in (with latency and success). Results shown with their
     * call are not listed again; a result whose call is elsewhere stands on its own. Assistant blocks carry the
     * id of the API call that produced them.
     */
    public Map<String, Object> messages(Connection c, String workerId, long from, int limit) throws SQLException {
        List<Map<String, Object>> rows = Rows.query(c, "SELECT conversation_id, message_index, timestamp, time_source, "
                + "role, content_type, tool_name, tool_use_id, tool_success, tool_latency_ms, is_sidechain, "
                + "parent_tool_use_id, message_id, model, "
                + "substr(COALESCE(tool_output, tool_input, content), 1, ?) AS text, "
                + "length(COALESCE(tool_output, tool_input, content)) AS length "
                + "FROM conversations WHERE worker_id = ? AND message_index >= ? ORDER BY message_index LIMIT ?",
                PREVIEW_CHARS, workerId, from, limit + 1);
        boolean more = rows.size() > limit;
        if (more) {
            rows = new ArrayList<>(rows.subList(0, limit));
        }
        Map<String, Long> callByMessage = new HashMap<>();
        for (Map<String, Object> a : Rows.query(c, "SELECT call_id, message_id FROM api_calls WHERE worker_id = ? "
                + "AND message_id IS NOT NULL ORDER BY call_id", workerId)) { // a message's first call, on both
            callByMessage.putIfAbsent((String) a.get("message_id"), Rows.lng(a.get("call_id")));
        }
        Map<String, Map<String, Object>> calls = new HashMap<>();
        List<String> callIds = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if ("tool_use".equals(r.get("content_type")) && r.get("tool_use_id") != null) {
                calls.put((String) r.get("tool_use_id"), r);
                callIds.add("tr:" + r.get("tool_use_id"));
            }
        }
        Map<String, Map<String, Object>> results = new HashMap<>();
        if (!callIds.isEmpty()) {
            for (Map<String, Object> r : Rows.query(c, "SELECT conversation_id, message_index, timestamp, tool_use_id, "
                    + "tool_success, tool_latency_ms, substr(COALESCE(tool_output, content), 1, ?) AS text, "
                    + "length(COALESCE(tool_output, content)) AS length FROM conversations "
                    + "WHERE worker_id = ? AND dedup_key IN (SELECT value FROM json_each(?))", PREVIEW_CHARS, workerId,
                    CostQuery.jsonArray(callIds))) {
                results.put((String) r.get("tool_use_id"), r);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String type = (String) r.get("content_type");
            if ("tool_result".equals(type) && r.get("tool_use_id") != null && results.containsKey(r.get("tool_use_id"))
                    && calls.containsKey(r.get("tool_use_id"))) {
                continue; // shown folded under its call
            }
            if ("tool_use".equals(type)) {
                Map<String, Object> result = results.get(r.get("tool_use_id"));
                r.put("result", result);
                if (result == null) {
                    // answered later than this page, or never: look once more outside the page
                    r.put("result", Rows.one(c, "SELECT conversation_id, message_index, timestamp, tool_use_id, "
                            + "tool_success, tool_latency_ms, substr(COALESCE(tool_output, content), 1, ?) AS text, "
                            + "length(COALESCE(tool_output, content)) AS length FROM conversations "
                            + "WHERE worker_id = ? AND dedup_key = ?", PREVIEW_CHARS, workerId, "tr:" + r.get("tool_use_id")));
                }
            }
            if ("image".equals(type)) {
                Matcher m = IMAGE.matcher((String) r.get("text"));
                if (m.find()) {
                    r.put("image_media_type", m.group(1));
                    r.put("image_bytes", Long.parseLong(m.group(2)));
                }
            }
            Object messageId = r.get("message_id");
            r.put("call_id", messageId == null ? null : callByMessage.get(messageId));
            out.add(r);
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("worker_id", workerId);
        page.put("from", from);
        page.put("rows", out);
        page.put("next_from", more ? Rows.lng(rows.get(rows.size() - 1).get("message_index")) + 1 : null);
        return page;
    }

    /** A page of a worker's API calls, each with the message index of its first block (the link to the viewer). */
    public Map<String, Object> calls(Connection c, String workerId, int page, int size) throws SQLException {
        List<Map<String, Object>> rows = Rows.query(c, "SELECT a.call_id, a.timestamp, a.time_source, a.model, "
                + "a.tokens_input, a.tokens_output, a.tokens_cached_read AS tokens_cache_read, "
                + "a.tokens_cached_write AS tokens_cache_write, a.estimated_cost_usd, a.actual_cost_usd, a.duration_ms, "
                + "a.time_to_first_token_ms, a.tokens_per_second, a.success, a.error_message, a.error_code, "
                + "a.is_sidechain, a.message_id, a.source FROM api_calls a WHERE a.worker_id = ? "
                + "ORDER BY a.timestamp, a.call_id LIMIT ? OFFSET ?", workerId, size + 1, (long) (page - 1) * size);
        boolean more = rows.size() > size;
        if (more) {
            rows = new ArrayList<>(rows.subList(0, size));
        }
        Map<String, Long> first = new HashMap<>();
        for (Map<String, Object> m : Rows.query(c, "SELECT message_id, MIN(message_index) AS idx FROM conversations "
                + "WHERE worker_id = ? AND message_id IS NOT NULL GROUP BY message_id", workerId)) {
            first.put((String) m.get("message_id"), Rows.lng(m.get("idx")));
        }
        for (Map<String, Object> r : rows) {
            r.put("message_index", r.get("message_id") == null ? null : first.get(r.get("message_id")));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("worker_id", workerId);
        out.put("page", page);
        out.put("more", more);
        out.put("rows", rows);
        return out;
    }

    /** The whole text of one conversation block (the "show all" of a long output), or null when there is none. */
    public String fullText(Connection c, long conversationId) throws SQLException {
        Map<String, Object> r = Rows.one(c, "SELECT COALESCE(tool_output, tool_input, content) AS text "
                + "FROM conversations WHERE conversation_id = ?", conversationId);
        return r == null ? null : (String) r.get("text");
    }

    // --- search -----------------------------------------------------------------------------------------------

    /** Marks around the matched words in a snippet: control characters, which the page turns into highlights. */
    static final String MARK_OPEN = "\u0002";
    static final String MARK_CLOSE = "\u0003";

    /**
     * One page of full-text hits ({@link SearchQuery}, the same search as {@code taclog query search}), newest
     * first: FTS5 hands matches out newest first and the page stops after its rows, so a word in two million rows
     * takes milliseconds, where best match first scores every match (about a second on the benchmark database;
     * {@code query search --order rank} does that). Each hit comes with what the page shows beside it (whether a tool call failed, a subagent's turn, the block's
     * length). Rows the search index has not reached yet are searched directly, so the answer is complete; the
     * page says how many there were.
     */
    public Map<String, Object> search(Connection c, String text, String taskId, int page, int size)
            throws SQLException {
        SearchQuery.Result r;
        try {
            r = new SearchQuery(c).run(SearchQuery.Request.of(text).withTask(taskId).withOrder(SearchQuery.Order.NEWEST)
                    .withPage(size, (page - 1) * size).withMarks(MARK_OPEN, MARK_CLOSE));
        } catch (SQLException e) {
            if (io.taclog.sink.dialect.Dialect.of(c).isMissingFeature(e)) {
                throw searchUnavailable(e);
            }
            throw e;
        } catch (io.taclog.app.Databases.SqliteOnly e) {
            throw searchUnavailable(e);
        }
        Map<Long, Map<String, Object>> extra = new HashMap<>();
        if (!r.hits().isEmpty()) {
            StringBuilder ids = new StringBuilder("[");
            for (SearchQuery.Hit h : r.hits()) {
                ids.append(ids.length() > 1 ? "," : "").append(h.conversationId());
            }
            for (Map<String, Object> row : Rows.query(c, "SELECT conversation_id, tool_success, is_sidechain, "
                    + "length(COALESCE(tool_output, tool_input, content)) AS length FROM conversations "
                    + "WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
                    ids.append(']').toString())) { // CAST: PostgreSQL's json_each gives text
                extra.put(((Number) row.get("conversation_id")).longValue(), row);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SearchQuery.Hit h : r.hits()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> x = extra.getOrDefault(h.conversationId(), Map.of());
            m.put("conversation_id", h.conversationId());
            m.put("worker_id", h.workerId());
            m.put("task_id", h.taskId());
            m.put("message_index", h.messageIndex());
            m.put("timestamp", h.timestamp());
            m.put("role", h.role());
            m.put("content_type", h.contentType());
            m.put("tool_name", h.toolName());
            Object success = x.get("tool_success");
            m.put("tool_success", success == null ? null : ((Number) success).intValue() != 0);
            Object side = x.get("is_sidechain");
            m.put("is_sidechain", side != null && ((Number) side).intValue() != 0);
            m.put("length", x.get("length"));
            m.put("snippet", h.snippet());
            rows.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("q", text);
        out.put("task", taskId);
        out.put("page", page);
        out.put("more", r.hasMore());
        out.put("unindexed_rows", r.unindexedRows());
        out.put("unsearched_rows", r.unsearchedRows());
        out.put("rows", rows);
        return out;
    }

    /**
     * The answer when the search asks for what this back end does not have: on PostgreSQL, full-text search is not
     * built yet ({@link SearchQuery} reads SQLite's FTS5 index). Asked of every search, not decided up front, so the
     * page searches as soon as {@link SearchQuery} works on PostgreSQL.
     */
    private static HttpProblem searchUnavailable(Exception e) {
        org.slf4j.LoggerFactory.getLogger(DashboardData.class).debug("search unavailable: {}", e.getMessage());
        return new HttpProblem(501, "search is not available on PostgreSQL in this build: full-text search is "
                + "SQLite-only for now (docs/dashboard.md, \"PostgreSQL\")");
    }

    // --- performance ------------------------------------------------------------------------------------------

    /**
     * Per model: API latency (p50, p95) and tokens per second; per tool: latency percentiles
     * ({@code query tools}); the slowest decision points ({@code query decisions --slow}); worker durations by
     * status.
     */
    public Map<String, Object> performance(Connection c, LocalDate from, LocalDate until, Instant now)
            throws SQLException {
        if (from == null || until == null) {
            LocalDate[] d = defaultWindow(c, DEFAULT_PERFORMANCE_DAYS, now);
            from = from == null ? d[0] : from;
            until = until == null ? d[1] : until;
        }
        TimeWindow w = Params.window(from, until, zone);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("until", until.toString());
        out.put("zone", zone.getId());
        List<Map<String, Object>> models = new ArrayList<>();
        for (Map<String, Object> r : Rows.query(c, "SELECT model, COUNT(*) AS calls, COALESCE(SUM(tokens_output), 0) "
                + "AS tokens_output, group_concat(duration_ms) AS durations, group_concat(CASE WHEN tokens_per_second "
                + "IS NOT NULL THEN tokens_per_second WHEN duration_ms > 0 THEN tokens_output * 1000.0 / duration_ms "
                + "END) AS rates, group_concat(time_to_first_token_ms) AS ttft, COALESCE(SUM(success = 0), 0) AS failed "
                + "FROM api_calls WHERE timestamp >= ? AND timestamp < ? GROUP BY model ORDER BY model", w.fromText(),
                w.untilText())) { // by model: the order of models with as many calls (the stable sort below keeps it)
            double[] d = sorted((String) r.remove("durations"));
            double[] rate = sorted((String) r.remove("rates"));
            double[] ttft = sorted((String) r.remove("ttft"));
            r.put("timed_calls", (long) d.length);
            r.put("latency_p50_ms", percentile(d, 50));
            r.put("latency_p95_ms", percentile(d, 95));
            r.put("ttft_p50_ms", percentile(ttft, 50));
            r.put("tokens_per_second_p50", percentile(rate, 50));
            r.put("tokens_per_second_mean", rate.length == 0 ? null : Math.round(Arrays.stream(rate).average()
                    .orElse(0) * 10) / 10.0);
            models.add(r);
        }
        models.sort((a, b) -> Long.compare(Rows.lng(b.get("calls")), Rows.lng(a.get("calls"))));
        out.put("models", models);
        out.put("tools", new ToolsQuery(c).run(w));
        out.put("slowest_decisions", new DecisionsQuery(c).slowest(10));
        Map<String, List<Double>> minutes = new TreeMap<>();
        for (Map<String, Object> r : Rows.query(c, "SELECT status, spawned_at, COALESCE(completed_at, failed_at) AS "
                + "ended_at, duration_ms FROM worker_sessions WHERE spawned_at >= ? AND spawned_at < ?", w.fromText(),
                w.untilText())) {
            // boxed on both sides: a worker with neither a duration nor an end (still running, or its end never
            // seen) has no minutes, where a primitive branch would unbox the null and fail the page
            Double m = r.get("duration_ms") != null ? Double.valueOf(Rows.dbl(r.get("duration_ms")) / 60000.0)
                    : minutesBetween((String) r.get("spawned_at"), (String) r.get("ended_at"));
            List<Double> l = minutes.computeIfAbsent((String) r.get("status"), k -> new ArrayList<>());
            if (m != null) {
                l.add(m);
            }
        }
        List<Map<String, Object>> durations = new ArrayList<>();
        for (var e : minutes.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", e.getKey());
            r.put("workers", (long) v.length);
            r.put("minutes_p50", percentile2(v, 50));
            r.put("minutes_p95", percentile2(v, 95));
            r.put("minutes_max", v.length == 0 ? null : Math.round(v[v.length - 1] * 100) / 100.0);
            durations.add(r);
        }
        out.put("worker_durations", durations);
        return out;
    }

    private static Double minutesBetween(String from, String to) {
        Instant a = Times.parseOrNull(from);
        Instant b = Times.parseOrNull(to);
        return a == null || b == null ? null : Duration.between(a, b).toMillis() / 60000.0;
    }

    static double[] sorted(String joined) {
        if (joined == null || joined.isEmpty()) {
            return new double[0];
        }
        String[] parts = joined.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Double.parseDouble(parts[i]);
        }
        Arrays.sort(v);
        return v;
    }

    /** Nearest-rank percentile, rounded to whole units (as {@code query tools}). */
    static Double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) ((p * (long) sorted.length + 99) / 100);
        return (double) Math.round(sorted[Math.max(1, Math.min(rank, sorted.length)) - 1]);
    }

    /** Nearest-rank percentile to two decimals. */
    static Double percentile2(double[] sorted, int p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) ((p * (long) sorted.length + 99) / 100);
        return Math.round(sorted[Math.max(1, Math.min(rank, sorted.length)) - 1] * 100) / 100.0;
    }
}
