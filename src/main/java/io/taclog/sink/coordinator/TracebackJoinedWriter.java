package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.TracebackJoined;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Joins a traceback printed before its error line to that line: the error event takes the stack trace
 * (and the traceback's exception text in its details); the traceback's own event is removed, since its
 * whole content now lives in the error it belongs to.
 */
public final class TracebackJoinedWriter implements FactWriter<TracebackJoined> {

    @Override
    public Class<TracebackJoined> type() {
        return TracebackJoined.class;
    }

    @Override
    public void write(TracebackJoined j, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE system_events SET stack_trace = (SELECT t.stack_trace FROM "
                + "system_events t WHERE t.source_key = ?1), details = json_patch(COALESCE(details, '{}'), "
                + "json_object('traceback_from', ?1, 'traceback_join', ?2, 'exception', (SELECT "
                + "json_extract(t.details, '$.exception') FROM system_events t WHERE t.source_key = ?1))) WHERE "
                + "source_key = ?3 AND EXISTS (SELECT 1 FROM system_events t WHERE t.source_key = ?1)");
        ps.setString(1, j.tracebackKey());
        ps.setString(2, j.reason());
        ps.setString(3, j.errorKey());
        if (ps.executeUpdate() == 1) {
            Sql.update(ctx, "DELETE FROM system_events WHERE source_key = ?", j.tracebackKey());
            Estimates.forget(ctx, "system_events", j.tracebackKey());
        }
    }
}
