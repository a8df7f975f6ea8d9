package io.taclog.cli.query;

import io.taclog.cli.Main;
import io.taclog.query.ToolsQuery;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code taclog query tools}: usage, failure rate and latency per tool. */
@Command(name = "tools", mixinStandardHelpOptions = true,
        description = "Per tool: calls, failures, failure rate, unanswered calls, latency p50/p95/max (ms).")
public final class ToolsCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Mixin
    WindowOptions window;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            rows = new ToolsQuery(c).run(window.window(options.zone(), Instant.now()));
        }
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, List.of("tool", "calls", "failures",
                "failure_rate", "unanswered", "latency_p50_ms", "latency_p95_ms", "latency_max_ms"),
                "No tool calls.");
        return Main.OK;
    }
}
