package io.taclog.cli.query;

import io.taclog.cli.Main;
import io.taclog.query.SessionsQuery;
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

/** {@code taclog query sessions --active | --since DATE}. */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "Coordinator sessions.")
public final class SessionsCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Mixin
    WindowOptions window;

    @Option(names = "--active", description = "Only sessions with no recorded end.")
    boolean active;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            SessionsQuery q = new SessionsQuery(c);
            rows = active ? q.active() : q.started(window.window(options.zone(), Instant.now()));
        }
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, List.of("session_id", "started_at",
                "ended_at", "exit_reason", "tasks", "workers", "errors", "estimated_usd"),
                active ? "No active sessions." : "No sessions in that window.");
        return Main.OK;
    }
}
