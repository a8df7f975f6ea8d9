package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.SQLException;

/** Task status transitions (see {@link TaskTransitions}). */
public final class TaskStatusWriter implements FactWriter<TaskStatusChanged> {

    @Override
    public Class<TaskStatusChanged> type() {
        return TaskStatusChanged.class;
    }

    @Override
    public void write(TaskStatusChanged f, WriteContext ctx) throws SQLException {
        Sessions.touch(ctx, f.sessionId(), f.when());
        TaskTransitions.record(ctx, f);
    }
}
