package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Format;
import io.taclog.cli.Main;
import io.taclog.query.CostQuery;
import io.taclog.query.WorkersQuery;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog query workers --active | --failed}. */
@Command(name = "workers", mixinStandardHelpOptions = true,
        description = "Running workers (with minutes of transcript silence) or failed workers.")
public final class WorkersCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Option(names = "--active", description = "Workers still spawned or running.")
    boolean active;

    @Option(names = "--idle-after", paramLabel = "MINUTES", defaultValue = "60",
            description = "A session seen only in a transcript (no coordinator ends it) whose transcript has been "
                    + "silent this long is idle, not active (default: ${DEFAULT-VALUE}).")
    long idleAfterMinutes;

    @Option(names = "--include-idle", description = "With --active: list idle transcript-only sessions too.")
    boolean includeIdle;

    @Option(names = "--failed", description = "Workers that failed.")
    boolean failed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (active == failed) {
            throw new CliException(Main.USAGE, "say --active or --failed");
        }
        List<Map<String, Object>> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            WorkersQuery q = new WorkersQuery(c);
            Duration idleAfter = Duration.ofMinutes(Math.max(0, idleAfterMinutes));
            Instant now = Instant.now();
            rows = active ? q.active(now, idleAfter, includeIdle) : q.failed();
            long idle = active && !includeIdle ? q.idle(now, idleAfter) : 0;
            if (idle > 0) {
                spec.commandLine().getErr().printf("%,d transcript-only session(s) silent for over %d minutes are "
                        + "idle and not listed (--include-idle lists them)%n", idle, idleAfterMinutes);
            }
        }
        List<String> cols = active
                ? List.of("worker_id", "task_id", "status", "spawned_at", "last_activity_at", "silent_minutes", "pid",
                    "calls", "cost_usd", "basis")
                : List.of("worker_id", "task_id", "failed_at", "exit_code", "failure_reason", "calls", "cost_usd",
                    "basis");
        if (options.format() == Format.TABLE) {
            // JSON and CSV keep the NULL: "(unassigned)" is a label, not a task id
            rows.forEach(r -> r.putIfAbsent("task_id", CostQuery.UNASSIGNED));
        }
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, cols,
                active ? "No active workers." : "No failed workers.");
        return Main.OK;
    }
}
