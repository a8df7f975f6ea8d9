package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.metrics.MetricsServer;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taclog run}: the sidecar, following every configured source until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Follow the configured logs and load them into SQLite until stopped (SIGTERM/Ctrl-C).")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    SourceOptions sources;

    @Option(names = "--dashboard", description = "Also serve the web dashboard (taclog.dashboard.*; docs/dashboard.md).")
    boolean dashboard;

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = sources.load();
        boolean withDashboard = dashboard || config.get(ConfigKeys.DASHBOARD_ENABLED);
        // checked before anything starts: a dashboard off loopback without a token is a usage error
        io.taclog.dashboard.DashboardSettings dashboardSettings = withDashboard
                ? DashboardCommand.settings(config, java.time.ZoneId.systemDefault()) : null;
        try (IngestRuntime runtime = IngestRuntime.open(config, false);
             AutoCloseable web = dashboardSettings == null ? null : DashboardCommand.start(dashboardSettings)) {
            CamelSidecar sidecar = new CamelSidecar(runtime);
            // started before the routes (ready says 503 until they are) and stopped after Camel has stopped
            AutoCloseable metrics = config.get(ConfigKeys.METRICS_ENABLED) ? startMetrics(config, runtime, sidecar)
                    : null;
            try {
                sidecar.runUntilStopped();
            } finally {
                if (metrics != null) {
                    metrics.close();
                }
            }
        }
        return Main.OK;
    }

    /** Apart, so that the metrics classes load only when metrics are on (a query loads none). */
    private static AutoCloseable startMetrics(TaclogConfig config, IngestRuntime runtime, CamelSidecar sidecar) {
        return MetricsServer.start(config, runtime, sidecar::routesStarted, sidecar::timeCommits, Clock.systemUTC());
    }
}
