package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.StackTraceLine;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Appends a traceback line to its event: the error event it follows, or the traceback's own event (an
 * error line that takes it over later ends it, so no line is ever addressed to a joined traceback).
 */
public final class StackTraceLineWriter implements FactWriter<StackTraceLine> {

    @Override
    public Class<StackTraceLine> type() {
        return StackTraceLine.class;
    }

    @Override
    public void write(StackTraceLine t, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE system_events SET stack_trace = CASE WHEN stack_trace IS NULL "
                + "OR stack_trace = '' THEN ?1 ELSE stack_trace || '\n' || ?1 END "
                + "WHERE source_key = ?2");
        ps.setString(1, t.line());
        ps.setString(2, t.eventKey());
        ps.executeUpdate();
    }
}
