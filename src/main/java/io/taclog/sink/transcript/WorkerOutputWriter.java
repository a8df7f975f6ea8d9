package io.taclog.sink.transcript;

import io.taclog.model.Times;
import io.taclog.model.WorkerOutputLine;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Text a worker printed outside its JSON stream (stderr): kept as the worker's output or error events. */
public final class WorkerOutputWriter implements FactWriter<WorkerOutputLine> {

    private final WorkerLinker linker;

    public WorkerOutputWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<WorkerOutputLine> type() {
        return WorkerOutputLine.class;
    }

    @Override
    public void write(WorkerOutputLine o, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(o.stream(), o.at(), io.taclog.model.TimeSource.OBSERVED, ctx);
        PreparedStatement ps = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, worker_id, task_id, time_source) SELECT session_id, ?, ?, ?, 'worker', "
                + "?, json_object('file', ?, 'offset', ?), worker_id, task_id, 'observed' FROM worker_sessions "
                + "WHERE worker_id = ?");
        ps.setString(1, Times.format(o.at()));
        ps.setString(2, o.error() ? "worker_error" : "worker_output");
        ps.setString(3, o.error() ? "error" : "info");
        ps.setString(4, o.text());
        ps.setString(5, o.stream().sourcePath());
        ps.setLong(6, ctx.line() == null ? -1 : ctx.line().offset());
        ps.setString(7, worker);
        ps.executeUpdate();
    }
}
