package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * System events of the coordinator, one per source line (its key). A later fact with the same key
 * merges: details are merged (RFC 7386), other given fields replace; a fact without an event type
 * only patches an existing event.
 */
public final class CoordinatorEventWriter implements FactWriter<CoordinatorEvent> {

    @Override
    public Class<CoordinatorEvent> type() {
        return CoordinatorEvent.class;
    }

    @Override
    public void write(CoordinatorEvent e, WriteContext ctx) throws SQLException {
        if (e.eventType() == null) {
            PreparedStatement ps = ctx.statement("UPDATE system_events SET details = CASE WHEN ?1 IS NULL THEN details "
                    + "ELSE json_patch(COALESCE(details, '{}'), ?1) END, message = COALESCE(?2, message) "
                    + "WHERE source_key = ?3");
            Sql.text(ps, 1, e.detailsJson());
            Sql.text(ps, 2, e.message());
            ps.setString(3, e.key());
            ps.executeUpdate();
            return;
        }
        Sessions.ensure(ctx, e.sessionId(), e.when(), e.source());
        Sessions.touch(ctx, e.sessionId(), e.when());
        PreparedStatement ps = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, stack_trace, worker_id, task_id, time_source, source, source_key, "
                + "derived) VALUES (?,?,?,?,?,?,?,?,?9,COALESCE(?10, (SELECT w.task_id FROM worker_sessions w WHERE "
                + "w.worker_id = ?9)),?,?,?,?) ON CONFLICT(source_key) WHERE source_key IS NOT NULL "
                + "DO UPDATE SET event_type = excluded.event_type, severity = excluded.severity, "
                + "component = COALESCE(excluded.component, system_events.component), message = excluded.message, "
                + "details = CASE WHEN excluded.details IS NULL THEN system_events.details "
                + "ELSE json_patch(COALESCE(system_events.details, '{}'), excluded.details) END, "
                + "stack_trace = COALESCE(excluded.stack_trace, system_events.stack_trace), "
                + "worker_id = COALESCE(excluded.worker_id, system_events.worker_id), "
                + "task_id = COALESCE(excluded.task_id, system_events.task_id), "
                + "derived = MAX(system_events.derived, excluded.derived)");
        ps.setString(1, e.sessionId());
        ps.setString(2, Sql.at(e.when()));
        ps.setString(3, e.eventType());
        ps.setString(4, e.severity() == null ? "info" : e.severity());
        Sql.text(ps, 5, e.component());
        ps.setString(6, e.message() == null ? "" : e.message());
        Sql.text(ps, 7, e.detailsJson());
        Sql.text(ps, 8, e.stackTrace());
        Sql.text(ps, 9, e.workerId());
        Sql.text(ps, 10, e.taskId());
        ps.setString(11, e.when().timeSource());
        Sql.text(ps, 12, e.source());
        Sql.text(ps, 13, e.key());
        ps.setBoolean(14, e.derived());
        ps.executeUpdate();
        Estimates.register(ctx, "system_events", e.key(), "timestamp", e.when());
    }
}
