package io.taclog.cli.query;

import io.taclog.cli.Main;
import io.taclog.query.ErrorsQuery;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog query errors --today | --since DATE}. */
@Command(name = "errors", mixinStandardHelpOptions = true,
        description = "Errors with their stack traces (JSON and CSV carry the full trace).")
public final class ErrorsCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Mixin
    WindowOptions window;

    @Option(names = "--warnings", description = "Include warnings.")
    boolean warnings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            rows = new ErrorsQuery(c).in(window.window(options.zone(), Instant.now()), warnings);
        }
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, List.of("timestamp", "severity",
                "event_type", "component", "task_id", "worker_id", "message", "stack_trace"), "No errors.");
        return Main.OK;
    }
}
