package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Main;
import io.taclog.query.DecisionsQuery;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog query decisions --task ID | --slow}. */
@Command(name = "decisions", mixinStandardHelpOptions = true,
        description = "The decision chain of a task, or the slowest decision points.")
public final class DecisionsCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Option(names = "--task", paramLabel = "ID", description = "Decision chain of this task.")
    String task;

    @Option(names = "--slow", description = "Slowest decision points by average duration.")
    boolean slow;

    @Option(names = "--limit", defaultValue = "20", description = "Rows for --slow (default 20).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((task == null) == !slow) {
            throw new CliException(Main.USAGE, "say --task ID or --slow");
        }
        List<Map<String, Object>> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            if (task != null) {
                TaskCommand.requireTask(c, task);
            }
            DecisionsQuery q = new DecisionsQuery(c);
            rows = task != null ? q.forTask(task) : q.slowest(limit);
        }
        List<String> cols = task != null
                ? List.of("timestamp", "context_type", "function_name", "decision_point", "decision_reason",
                    "decision_output")
                : List.of("function_name", "decision_point", "decisions", "avg_ms", "max_ms");
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, cols,
                task != null ? "No decisions recorded for " + task + "." : "No timed decisions recorded.");
        return Main.OK;
    }
}
