package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.TaskObserved;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.SQLException;

/** A task detection or mention: the task row exists afterwards, with the details this record knows. */
public final class TaskObservedWriter implements FactWriter<TaskObserved> {

    @Override
    public Class<TaskObserved> type() {
        return TaskObserved.class;
    }

    @Override
    public void write(TaskObserved t, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, t.sessionId(), t.when(), t.origin());
        if (t.detection()) {
            Tasks.detected(ctx, t);
        } else {
            Tasks.ensure(ctx, t.taskId(), t.sessionId(), t.when(), t.origin());
        }
    }
}
