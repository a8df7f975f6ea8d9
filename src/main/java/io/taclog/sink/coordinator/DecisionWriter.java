package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.DecisionObserved;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Decisions ({@code logic_flow}), one row per decision key: the lines of a group each add inputs and
 * outputs (merged, RFC 7386); the row keeps the time of the line that opened it.
 */
public final class DecisionWriter implements FactWriter<DecisionObserved> {

    @Override
    public Class<DecisionObserved> type() {
        return DecisionObserved.class;
    }

    @Override
    public void write(DecisionObserved d, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, d.sessionId(), d.when(), d.source());
        Sessions.touch(ctx, d.sessionId(), d.when());
        PreparedStatement ps = ctx.statement("INSERT INTO logic_flow(session_id, timestamp, context_type, context_id, "
                + "function_name, decision_point, decision_input, decision_output, decision_reason, duration_ms, "
                + "source_file, time_source, source, source_key, derived, evidence) VALUES "
                + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_key) WHERE source_key IS NOT NULL DO UPDATE "
                + "SET decision_input = CASE WHEN excluded.decision_input IS NULL THEN logic_flow.decision_input ELSE "
                + "json_patch(COALESCE(logic_flow.decision_input, '{}'), excluded.decision_input) END, "
                + "decision_output = CASE WHEN excluded.decision_output IS NULL THEN logic_flow.decision_output ELSE "
                + "json_patch(COALESCE(logic_flow.decision_output, '{}'), excluded.decision_output) END, "
                + "decision_reason = COALESCE(excluded.decision_reason, logic_flow.decision_reason), "
                + "duration_ms = COALESCE(excluded.duration_ms, logic_flow.duration_ms), "
                + "context_id = COALESCE(logic_flow.context_id, excluded.context_id), evidence = CASE WHEN "
                + "excluded.evidence IS NULL THEN logic_flow.evidence ELSE json_patch(COALESCE(logic_flow.evidence, "
                + "'{}'), excluded.evidence) END");
        ps.setString(1, d.sessionId());
        ps.setString(2, Sql.at(d.when()));
        ps.setString(3, d.contextType());
        Sql.text(ps, 4, d.contextId());
        ps.setString(5, d.functionName());
        ps.setString(6, d.decisionPoint());
        Sql.text(ps, 7, d.inputJson());
        Sql.text(ps, 8, d.outputJson());
        Sql.text(ps, 9, d.reason());
        Sql.real(ps, 10, d.durationMs());
        Sql.text(ps, 11, d.sourceFile());
        ps.setString(12, d.when().timeSource());
        ps.setString(13, d.derived() ? io.taclog.model.coordinator.Sources.DERIVED : d.source());
        Sql.text(ps, 14, d.key());
        ps.setBoolean(15, d.derived());
        Sql.text(ps, 16, d.evidenceJson());
        ps.executeUpdate();
        Estimates.register(ctx, "logic_flow", d.key(), "timestamp", d.when());
    }
}
