package io.taclog.sink.transcript;

import io.taclog.model.StreamStarted;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A stream's first line: makes sure its worker exists and records its main model and working directory. */
public final class StreamStartedWriter implements FactWriter<StreamStarted> {

    private final WorkerLinker linker;

    public StreamStartedWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<StreamStarted> type() {
        return StreamStarted.class;
    }

    @Override
    public void write(StreamStarted f, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(f.stream(), f.at(), f.timeSource(), ctx);
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET model = COALESCE(model, ?), "
                + "cwd = COALESCE(cwd, ?), agent = COALESCE(agent, ?) WHERE worker_id = ?");
        ps.setString(1, f.model());
        ps.setString(2, f.cwd());
        ps.setString(3, f.stream().agent());
        ps.setString(4, worker);
        ps.executeUpdate();
    }
}
