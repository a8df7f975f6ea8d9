package io.taclog.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The alert rules: each looks at the database (and, for a stuck ingest, at the followed files) and says which
 * conditions hold now. Storing episodes and delivering is {@link AlertCheck}'s business.
 */
final class AlertRules {

    /** Spawn-loop and stall events older than this when first seen are history (a backfill), not news. */
    static final Duration RECENT = Duration.ofHours(24);
    /** How many ids an alert's evidence lists at most. */
    static final int MAX_IDS = 20;
    /** Bytes past a file's committed offset read to look for a complete line. */
    private static final int PEEK = 64 * 1024;

    private final AlertSettings s;
    /** Files seen holding complete uncommitted lines: file id to the first check that saw it. */
    private final Map<Long, Instant> behindSince = new HashMap<>();

    AlertRules(AlertSettings settings) {
        this.s = settings;
    }

    /** Daily budget: the estimated cost of the current day (in the configured zone) above the budget. */
    List<Finding> dailyBudget(WriteContext ctx, Instant now) throws SQLException {
        if (s.dailyBudgetUsd().isEmpty()) {
            return List.of();
        }
        double budget = s.dailyBudgetUsd().get();
        LocalDate day = LocalDate.ofInstant(now, s.zone());
        Instant from = day.atStartOfDay(s.zone()).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(s.zone()).toInstant();
        PreparedStatement ps = ctx.statement("SELECT COALESCE(SUM(estimated_cost_usd), 0), COUNT(*) FROM api_calls "
                + "WHERE timestamp >= ? AND timestamp < ?");
        ps.setString(1, Times.format(from));
        ps.setString(2, Times.format(to));
        double cost;
        long calls;
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            cost = rs.getDouble(1);
            calls = rs.getLong(2);
        }
        if (cost <= budget) {
            return List.of();
        }
        ObjectNode ev = obj().put("day", day.toString()).put("time_zone", s.zone().getId())
                .put("window_start", Times.format(from)).put("window_end", Times.format(to))
                .put("cost_usd", round(cost)).put("budget_usd", budget).put("api_calls", calls);
        return List.of(new Finding("daily_budget", day.toString(), false, "warning",
                String.format(java.util.Locale.ROOT, "daily budget exceeded: %s cost $%.2f so far (budget $%.2f)",
                        day, cost, budget), ev, null, null, null));
    }

    /** Per-task budget: tasks with API calls in the last day whose total estimated cost is above the budget. */
    List<Finding> taskBudget(WriteContext ctx, Instant now) throws SQLException {
        if (s.taskBudgetUsd().isEmpty()) {
            return List.of();
        }
        double budget = s.taskBudgetUsd().get();
        PreparedStatement ps = ctx.statement("SELECT w.task_id, SUM(a.estimated_cost_usd), COUNT(*), "
                + "json_group_array(DISTINCT w.worker_id), MAX(w.session_id), MIN(a.timestamp), MAX(a.timestamp) "
                + "FROM api_calls a JOIN worker_sessions w ON w.worker_id = a.worker_id WHERE w.task_id IN (SELECT "
                + "DISTINCT w2.task_id FROM api_calls a2 JOIN worker_sessions w2 ON w2.worker_id = a2.worker_id WHERE "
                + "a2.timestamp >= ? AND w2.task_id IS NOT NULL) GROUP BY w.task_id HAVING SUM(a.estimated_cost_usd) > ?");
        ps.setString(1, Times.format(now.minus(RECENT)));
        ps.setDouble(2, budget);
        List<Finding> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String task = rs.getString(1);
                double cost = rs.getDouble(2);
                ObjectNode ev = obj().put("task_id", task).put("cost_usd", round(cost)).put("budget_usd", budget)
                        .put("api_calls", rs.getLong(3)).put("first_call_at", rs.getString(6))
                        .put("last_call_at", rs.getString(7));
                ev.set("workers", parse(rs.getString(4)));
                out.add(new Finding("task_budget", task, false, "warning", String.format(java.util.Locale.ROOT,
                        "task budget exceeded: task %s cost $%.2f (budget $%.2f)", task, cost, budget), ev,
                        rs.getString(5), task, null));
            }
        }
        return out;
    }

    /** Error burst: at least the configured number of error or critical events within the window. */
    List<Finding> errorBurst(WriteContext ctx, Instant now) throws SQLException {
        if (s.errorBurstCount().isEmpty()) {
            return List.of();
        }
        int threshold = s.errorBurstCount().get();
        Instant from = now.minus(s.errorBurstWindow());
        PreparedStatement ps = ctx.statement("SELECT event_id, event_type FROM system_events WHERE timestamp >= ? "
                + "AND timestamp <= ? AND severity IN ('error', 'critical') AND COALESCE(component, '') <> 'alerts' "
                + "ORDER BY timestamp, event_id");
        ps.setString(1, Times.format(from));
        ps.setString(2, Times.format(now));
        ArrayNode ids = LineClassifier.JSON.createArrayNode();
        Map<String, Integer> byType = new TreeMap<>();
        int count = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                count++;
                if (ids.size() < MAX_IDS) {
                    ids.add(rs.getLong(1));
                }
                byType.merge(rs.getString(2), 1, Integer::sum);
            }
        }
        if (count < threshold) {
            return List.of();
        }
        ObjectNode ev = obj().put("errors", count).put("threshold", threshold)
                .put("window_minutes", s.errorBurstWindow().toMinutes()).put("window_start", Times.format(from))
                .put("window_end", Times.format(now));
        ObjectNode types = ev.putObject("by_event_type");
        byType.forEach(types::put);
        ev.set("event_ids", ids);
        return List.of(new Finding("error_burst", "errors", true, "error", count + " error events within "
                + s.errorBurstWindow().toMinutes() + " min (threshold " + threshold + ")", ev, null, null, null));
    }

    /** Rejects rising: more than the configured number of quarantined lines within the last hour. */
    List<Finding> rejectsRising(WriteContext ctx, Instant now) throws SQLException {
        if (s.rejectsPerHour().isEmpty()) {
            return List.of();
        }
        int threshold = s.rejectsPerHour().get();
        Instant from = now.minus(Duration.ofHours(1));
        // newest first, a bounded look: rejects are numbered as they are committed
        PreparedStatement ps = ctx.statement("SELECT reject_id, path, error FROM (SELECT reject_id, path, error, "
                + "rejected_at FROM ingest_rejects ORDER BY reject_id DESC LIMIT ?) WHERE rejected_at >= ? "
                + "ORDER BY reject_id");
        ps.setLong(1, threshold + 10_001L);
        ps.setString(2, Times.format(from));
        int count = 0;
        ArrayNode ids = LineClassifier.JSON.createArrayNode();
        Map<String, Integer> byFile = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                count++;
                if (ids.size() < MAX_IDS) {
                    ids.add(rs.getLong(1));
                }
                if (byFile.size() < MAX_IDS || byFile.containsKey(rs.getString(2))) {
                    byFile.merge(rs.getString(2), 1, Integer::sum);
                }
            }
        }
        if (count <= threshold) {
            return List.of();
        }
        ObjectNode ev = obj().put("rejects", count).put("threshold_per_hour", threshold)
                .put("window_start", Times.format(from)).put("window_end", Times.format(now));
        ev.set("reject_ids", ids);
        ObjectNode files = ev.putObject("by_file");
        byFile.forEach(files::put);
        return List.of(new Finding("rejects_rising", "rejects", true, "warning", count + " lines quarantined in the "
                + "last hour (more than " + threshold + "): see ingest_rejects", ev, null, null, null));
    }

    /** Spawn loops and stalled workers: one alert per new event of the given type. */
    List<Finding> fromEvents(WriteContext ctx, Instant now, String eventType, String type) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT e.event_id, e.source_key, e.timestamp, e.message, e.details, "
                + "e.session_id, e.task_id, e.worker_id FROM system_events e WHERE e.timestamp >= ? AND e.event_type = ? "
                + "AND NOT EXISTS (SELECT 1 FROM system_events a WHERE a.source_key = 'alert:' || ? || ':' || "
                + "COALESCE(e.source_key, e.event_id)) ORDER BY e.event_id");
        ps.setString(1, Times.format(now.minus(RECENT)));
        ps.setString(2, eventType);
        ps.setString(3, type);
        List<Finding> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(2) != null ? rs.getString(2) : String.valueOf(rs.getLong(1));
                ObjectNode ev = obj().put("source_event_id", rs.getLong(1)).put("source_key", rs.getString(2))
                        .put("event_timestamp", rs.getString(3)).put("task_id", rs.getString(7))
                        .put("worker_id", rs.getString(8));
                ev.set("details", parse(rs.getString(5)));
                out.add(new Finding(type, key, false, "warning", rs.getString(4), ev, rs.getString(6),
                        rs.getString(7), rs.getString(8)));
            }
        }
        return out;
    }

    /** The active file generations the ingest-stuck rule looks at (read in a short transaction). */
    record Tracked(long fileId, String path, long committedOffset, String lastCommitAt) {
    }

    List<Tracked> tracked(WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT file_id, path, committed_offset, last_commit_at FROM ingest_files "
                + "WHERE state = 'active'");
        List<Tracked> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Tracked(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return out;
    }

    /**
     * Ingest stuck: a followed file holds complete lines past its committed offset, has held them for the
     * configured time and had no commit in that time. Files are looked at outside any transaction. A sidecar with
     * nothing to read has nothing behind and never alerts; a last line still being written is not a complete line.
     */
    List<Finding> ingestStuck(List<Tracked> files, Instant now) {
        if (s.ingestStuckAfter().isEmpty()) {
            return List.of();
        }
        Duration after = s.ingestStuckAfter().get();
        Map<Long, Instant> seen = new HashMap<>();
        ArrayNode stuck = LineClassifier.JSON.createArrayNode();
        long behindBytes = 0;
        int stuckFiles = 0;
        for (Tracked t : files) {
            Path p = Path.of(t.path());
            if (!underRoots(p)) {
                continue;
            }
            long size = completeLinesEnd(p, t.committedOffset());
            if (size <= t.committedOffset()) {
                continue;
            }
            Instant since = behindSince.getOrDefault(t.fileId(), now);
            seen.put(t.fileId(), since);
            Instant lastCommit = Times.parseOrNull(t.lastCommitAt());
            Instant cutoff = now.minus(after);
            if (since.isAfter(cutoff) || (lastCommit != null && lastCommit.isAfter(cutoff))) {
                continue;
            }
            stuckFiles++;
            behindBytes += size - t.committedOffset();
            if (stuck.size() < MAX_IDS) {
                stuck.addObject().put("file_id", t.fileId()).put("path", t.path())
                        .put("committed_offset", t.committedOffset()).put("file_size", size)
                        .put("bytes_behind", size - t.committedOffset()).put("last_commit_at", t.lastCommitAt())
                        .put("behind_since", Times.format(since));
            }
        }
        behindSince.clear();
        behindSince.putAll(seen);
        if (stuckFiles == 0) {
            return List.of();
        }
        ObjectNode ev = obj().put("files_stuck", stuckFiles).put("bytes_behind", behindBytes)
                .put("threshold_minutes", after.toMinutes()).put("checked_at", Times.format(now));
        ev.set("files", stuck);
        return List.of(new Finding("ingest_stuck", "ingest", true, "error", stuckFiles + " followed file(s) hold "
                + behindBytes + " bytes of complete lines that have not been committed for " + after.toMinutes()
                + " min", ev, null, null, null));
    }

    private boolean underRoots(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        for (Path root : s.roots()) {
            if (abs.startsWith(root.toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The file's size when complete lines wait past {@code offset} (a newline within the next 64 KiB), else
     * {@code offset}: nothing to read, an unterminated last line, a vanished or unreadable file.
     */
    static long completeLinesEnd(Path p, long offset) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= offset) {
                return offset;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(PEEK, size - offset));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // fill
            }
            for (int i = 0; i < buf.position(); i++) {
                if (buf.get(i) == '\n') {
                    return size;
                }
            }
            return offset;
        } catch (IOException | RuntimeException e) {
            return offset;
        }
    }

    private static ObjectNode obj() {
        return LineClassifier.JSON.createObjectNode();
    }

    private static double round(double usd) {
        return Math.round(usd * 1_000_000d) / 1_000_000d;
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return LineClassifier.JSON.nullNode();
        }
        try {
            return LineClassifier.JSON.readTree(json);
        } catch (IOException e) {
            return LineClassifier.JSON.getNodeFactory().textNode(json);
        }
    }
}
