package io.taclog.sink.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Stamp;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The spawn loop (research finding 3): a task spawned again while an earlier worker of it still runs,
 * or spawned {@code count} times within {@code window}. One derived warning event per loop episode:
 * later looping spawns join the episode (the event's details list every worker); the episode closes
 * when no worker of the task is running any more.
 */
final class SpawnLoops {

    static final String KIND = "spawn_loop";

    private final DerivedRules rules;

    SpawnLoops(DerivedRules rules) {
        this.rules = rules;
    }

    /**
     * Checks a new spawn. The window rule needs comparable times, so a backfill (provisional times)
     * leaves it to {@link BackfillFinisher}, which runs it once the times are estimated.
     */
    void onSpawn(WriteContext ctx, String worker, String task, String session, Stamp when) throws SQLException {
        if (member(ctx, worker)) {
            return;
        }
        List<String> running = running(ctx, task, worker, when);
        String rule = null;
        JsonObj evidence = JsonObj.of().put("task_id", task).put("spawned_worker", worker);
        if (!running.isEmpty()) {
            rule = "respawn_while_running";
            evidence.put("still_running", running);
        } else if (!when.provisional()) {
            List<String> recent = spawnedWithin(ctx, task, when.at());
            if (recent.size() >= rules.spawnLoopCount()) {
                rule = "spawns_in_window";
                evidence.put("spawns_in_window", recent).put("window_minutes", rules.spawnLoopWindow().toMinutes())
                        .put("threshold", rules.spawnLoopCount());
            }
        }
        if (rule != null) {
            List<String> members = new ArrayList<>(running);
            members.add(worker);
            join(ctx, task, session, when, members, rule, evidence);
        }
    }

    /** The window rule over one task's spawns, in time order (backfill, after the times are estimated). */
    void windowPass(WriteContext ctx, String task) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id, spawned_at, session_id FROM worker_sessions WHERE "
                + "task_id = ? AND origin = 'coordinator' AND pid IS NOT NULL ORDER BY spawned_at, worker_id");
        ps.setString(1, task);
        List<String[]> spawns = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                spawns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        for (int i = 0; i < spawns.size(); i++) {
            Instant at = Times.parseOrNull(spawns.get(i)[1]);
            if (at == null || member(ctx, spawns.get(i)[0])) {
                continue;
            }
            List<String> inWindow = new ArrayList<>();
            for (int k = 0; k <= i; k++) {
                Instant t = Times.parseOrNull(spawns.get(k)[1]);
                if (t != null && !t.isBefore(at.minus(rules.spawnLoopWindow()))) {
                    inWindow.add(spawns.get(k)[0]);
                }
            }
            if (inWindow.size() >= rules.spawnLoopCount()) {
                JsonObj evidence = JsonObj.of().put("task_id", task).put("spawned_worker", spawns.get(i)[0])
                        .put("spawns_in_window", inWindow).put("window_minutes", rules.spawnLoopWindow().toMinutes())
                        .put("threshold", rules.spawnLoopCount());
                join(ctx, task, spawns.get(i)[2], Stamp.observed(at), inWindow, "spawns_in_window", evidence);
            }
        }
    }

    private void join(WriteContext ctx, String task, String session, Stamp when, List<String> members, String rule,
                      JsonObj evidence) throws SQLException {
        Long episode = openEpisode(ctx, task, when.at());
        String eventKey;
        if (episode == null) {
            String marker = members.get(members.size() - 1);
            eventKey = "D:spawn_loop:" + task + ":" + marker;
            PreparedStatement ins = ctx.statement("INSERT INTO derived_episodes(kind, subject_id, marker, session_id, "
                    + "opened_at, last_member_at, event_source_key) VALUES (?,?,?,?,?,?,?) RETURNING episode_id");
            ins.setString(1, KIND);
            ins.setString(2, task);
            ins.setString(3, marker);
            Sql.text(ins, 4, session);
            ins.setString(5, Sql.at(when));
            ins.setString(6, Sql.at(when));
            ins.setString(7, eventKey);
            try (ResultSet rs = ins.executeQuery()) {
                rs.next();
                episode = rs.getLong(1);
            }
            Sessions.ensure(ctx, session, when, io.taclog.model.coordinator.Sources.DERIVED);
            PreparedStatement ev =
                    ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                    + "component, message, details, task_id, worker_id, time_source, source, source_key, derived) "
                    + "VALUES (?,?,'spawn_loop','warning','derived',?,?,?,?,?,'derived',?,1)");
            ev.setString(1, session);
            ev.setString(2, Sql.at(when));
            ev.setString(3, "spawn loop: task " + task + " was spawned again while an earlier worker of it still ran");
            ev.setString(4, JsonObj.of().put("derived", true).put("rule", rule).put("evidence", evidence)
                    .put("workers", members).put("spawns", members.size()).json());
            ev.setString(5, task);
            ev.setString(6, members.get(members.size() - 1));
            ev.setString(7, when.timeSource());
            ev.setString(8, eventKey);
            ev.executeUpdate();
            Estimates.register(ctx, "system_events", eventKey, "timestamp", when);
        } else {
            eventKey = Sql.one(ctx, "SELECT event_source_key FROM derived_episodes WHERE episode_id = ?", episode);
            Sql.update(ctx, "UPDATE derived_episodes SET last_member_at = MAX(last_member_at, ?) WHERE episode_id = ?",
                    when.at(), episode);
        }
        for (String m : members) {
            Sql.update(ctx, "INSERT INTO derived_episode_members(episode_id, member_id, joined_at) VALUES (?,?,?) "
                    + "ON CONFLICT DO NOTHING", episode, m, when.at());
        }
        listMembers(ctx, episode, rule, eventKey);
    }

    /**
     * The event lists every worker of the episode and why each joined. Rewritten here rather than with SQL's
     * json_set: PostgreSQL's JSON functions print their own spacing, and an event's details must read the same on
     * both back ends. Keys keep their places; a spawn loop is rare, so reading the details back costs nothing.
     */
    private static void listMembers(WriteContext ctx, long episode, String rule, String eventKey) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT member_id FROM derived_episode_members WHERE episode_id = ? "
                + "ORDER BY joined_at, member_id");
        ps.setLong(1, episode);
        List<String> members = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                members.add(rs.getString(1));
            }
        }
        String details = Sql.one(ctx, "SELECT details FROM system_events WHERE source_key = ?", eventKey);
        ObjectNode d;
        try {
            d = (ObjectNode) LineClassifier.JSON.readTree(details);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
            throw new SQLException("spawn_loop event " + eventKey + " has details that are not a JSON object", e);
        }
        ArrayNode workers = d.putArray("workers");
        members.forEach(workers::add);
        d.put("spawns", members.size());
        JsonNode rules = d.get("rules");
        (rules instanceof ArrayNode a ? a : d.putArray("rules")).add(rule);
        Sql.update(ctx, "UPDATE system_events SET details = ? WHERE source_key = ?", d.toString(), eventKey);
    }

    /** The task's spawn-loop episode still open, or one whose last spawn is within the window. */
    private Long openEpisode(WriteContext ctx, String task, Instant at) throws SQLException {
        String id = Sql.one(ctx, "SELECT episode_id FROM derived_episodes WHERE kind = ? AND subject_id = ? AND "
                + "(closed_at IS NULL OR last_member_at >= ?) ORDER BY episode_id DESC LIMIT 1", KIND, task,
                at.minus(rules.spawnLoopWindow()));
        return id == null ? null : Long.valueOf(id);
    }

    private static boolean member(WriteContext ctx, String worker) throws SQLException {
        return Sql.one(ctx, "SELECT 1 FROM derived_episode_members m JOIN derived_episodes e USING (episode_id) "
                + "WHERE e.kind = ? AND m.member_id = ?", KIND, worker) != null;
    }

    /** Other launched workers of the task still running (per the coordinator: not reaped, not finished). */
    private static List<String> running(WriteContext ctx, String task, String worker, Stamp when) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id, spawned_at, time_source FROM worker_sessions WHERE "
                + "task_id = ? AND worker_id <> ? AND origin = 'coordinator' AND pid IS NOT NULL "
                + "AND status IN ('spawned', 'running') ORDER BY spawned_at, worker_id");
        ps.setString(1, task);
        ps.setString(2, worker);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant spawned = Times.parseOrNull(rs.getString(2));
                boolean comparable = when.timeSource().equals(rs.getString(3));
                if (!comparable || spawned == null || !spawned.isAfter(when.at())) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> spawnedWithin(WriteContext ctx, String task, Instant at) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id FROM worker_sessions WHERE task_id = ? AND origin = "
                + "'coordinator' AND pid IS NOT NULL AND spawned_at BETWEEN ? AND ? ORDER BY spawned_at");
        ps.setString(1, task);
        ps.setString(2, Times.format(at.minus(rules.spawnLoopWindow())));
        ps.setString(3, Times.format(at));
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Closes the task's open episode when none of its workers runs any more. */
    static void maybeClose(WriteContext ctx, String task, Stamp when) throws SQLException {
        if (task == null) {
            return;
        }
        Sql.update(ctx, "UPDATE derived_episodes SET closed_at = ? WHERE kind = ? AND subject_id = ? AND closed_at IS "
                + "NULL AND NOT EXISTS (SELECT 1 FROM worker_sessions WHERE task_id = ? AND origin = 'coordinator' "
                + "AND pid IS NOT NULL AND status IN ('spawned', 'running'))", when.at(), KIND, task, task);
    }
}
