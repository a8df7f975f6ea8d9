package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Action triggers, once per source key. */
public final class TriggerWriter implements FactWriter<TriggerObserved> {

    @Override
    public Class<TriggerObserved> type() {
        return TriggerObserved.class;
    }

    @Override
    public void write(TriggerObserved t, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, t.sessionId(), t.when(), t.source());
        Sessions.touch(ctx, t.sessionId(), t.when());
        PreparedStatement ps = ctx.statement("INSERT INTO action_triggers(session_id, timestamp, trigger_type, "
                + "trigger_source, trigger_data, task_id, time_source, source, source_key, derived, evidence) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_key) WHERE source_key IS NOT NULL DO NOTHING");
        ps.setString(1, t.sessionId());
        ps.setString(2, Sql.at(t.when()));
        ps.setString(3, t.triggerType());
        Sql.text(ps, 4, t.triggerSource());
        Sql.text(ps, 5, t.dataJson());
        Sql.text(ps, 6, t.taskId());
        ps.setString(7, t.when().timeSource());
        Sql.text(ps, 8, t.derived() ? io.taclog.model.coordinator.Sources.DERIVED : t.source());
        Sql.text(ps, 9, t.key());
        ps.setBoolean(10, t.derived());
        Sql.text(ps, 11, t.evidenceJson());
        if (ps.executeUpdate() == 1) {
            Estimates.register(ctx, "action_triggers", t.key(), "timestamp", t.when());
        }
    }
}
