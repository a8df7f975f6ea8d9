package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Format;
import io.taclog.cli.Main;
import io.taclog.cli.Tabular;
import io.taclog.query.CostQuery;
import io.taclog.query.Rows;
import io.taclog.query.TaskStory;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taclog query task <id> [--full]}: the task's story, cost rolled up from calls to workers. */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "A task: its workers (duration, calls, tokens, cost, tools, errors) and with --full the "
                + "whole timeline: triggers, decisions with reasons, status changes, worktree operations, PR.")
public final class TaskCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Parameters(paramLabel = "TASK_ID", description = "e.g. gh-450")
    String taskId;

    @Option(names = "--full", description = "Include the timeline.")
    boolean full;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TaskStory.Story story;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            story = options.timed(spec.commandLine().getErr(), () -> {
                requireTask(c, taskId);
                return new TaskStory(c).load(taskId, full);
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.format() == Format.JSON) {
            Tabular.printJson(out, story);
            return Main.OK;
        }
        if (options.format() == Format.CSV) {
            Tabular t = workersTable(story);
            t.print(out, Format.CSV);
            return Main.OK;
        }
        Map<String, Object> task = story.task();
        Map<String, Object> tot = story.totals();
        out.printf("Task %s: %s%n", taskId, task.get("title") == null ? "(no title)" : task.get("title"));
        out.printf("  status %s, detected %s, source %s%s%n", task.get("status"), task.get("detected_at"),
                task.get("source"), task.get("pr_number") == null ? "" : ", PR #" + task.get("pr_number"));
        out.printf("  %d worker(s), %,d API calls (%,d by subagents), cost $%.4f (%s; estimate $%.4f), "
                        + "%,d tool calls (%,d failed), %,d errors%n", tot.get("workers"), tot.get("calls"),
                tot.get("sidechain_calls"), (Double) tot.get("cost_usd"), tot.get("basis"),
                (Double) tot.get("estimated_usd"), tot.get("tool_calls"), tot.get("tool_failures"), tot.get("errors"));
        out.println();
        workersTable(story).print(out, Format.TABLE);
        if (full) {
            out.println();
            Tabular t = new Tabular("time", "source", "what", "detail");
            for (TaskStory.Event e : story.timeline()) {
                t.add(e.at(), e.timeSource(), e.kind(), MapRows.shorten(e.summary()));
            }
            t.print(out, Format.TABLE);
        }
        return Main.OK;
    }

    private static Tabular workersTable(TaskStory.Story story) {
        Tabular t = new Tabular("worker", "status", "spawned", "minutes", "calls", "subagent_calls", "input", "output",
                "cache_read", "cache_write", "cost_usd", "basis", "tools", "tool_failures", "slowest_tool", "errors");
        for (TaskStory.WorkerSummary w : story.workers()) {
            t.add(w.workerId(), w.status(), w.spawnedAt(), w.durationMinutes() == null ? null
                    : Math.round(w.durationMinutes() * 10) / 10.0, w.calls(), w.sidechainCalls(), w.tokensInput(),
                    w.tokensOutput(), w.tokensCacheRead(), w.tokensCacheWrite(), Math.round(w.costUsd() * 1e6) / 1e6,
                    w.basis(), w.toolCalls(), w.toolFailures(), w.slowestTool() == null ? null
                            : w.slowestTool() + " " + Math.round(w.slowestToolMs()) + " ms", w.errors());
        }
        return t;
    }

    /** Fails with exit 1 and the closest known task ids when the task does not exist. */
    static void requireTask(Connection c, String taskId) throws SQLException {
        if (Rows.one(c, "SELECT task_id FROM tasks WHERE task_id = ?", taskId) != null) {
            return;
        }
        // until schema v8 an unlinked transcript's session id served as its task id: say where that work went
        Map<String, Object> unassigned = Rows.one(c, "SELECT worker_id FROM worker_sessions WHERE task_id IS NULL "
                + "AND (agent_session_id = ? OR worker_id = ?) LIMIT 1", taskId, taskId);
        if (unassigned != null) {
            throw new CliException(Main.FAILURE, "no task '" + taskId + "': worker " + unassigned.get("worker_id")
                    + " of that transcript is " + CostQuery.UNASSIGNED + " (nothing links it to a task); see "
                    + "`taclog query cost --by session`");
        }
        String digits = taskId.replaceAll("\\D", "");
        // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not; NULLS LAST is SQLite's own
        // order of a descending sort, which PostgreSQL reverses
        String like = (digits.isEmpty() ? taskId : digits).toLowerCase(java.util.Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        List<Map<String, Object>> near = Rows.query(c, "SELECT task_id FROM tasks WHERE lower(task_id) LIKE ? "
                + "ESCAPE '\\' ORDER BY detected_at DESC NULLS LAST, task_id LIMIT 5", "%" + like + "%");
        if (near.isEmpty()) {
            near = Rows.query(c, "SELECT task_id FROM tasks ORDER BY detected_at DESC NULLS LAST, task_id LIMIT 5");
        }
        String hint = near.isEmpty() ? "the database has no tasks"
                : "known tasks include " + near.stream().map(m -> (String) m.get("task_id"))
                .collect(Collectors.joining(", "));
        throw new CliException(Main.FAILURE, "no task '" + taskId + "' (" + hint + ")");
    }
}
