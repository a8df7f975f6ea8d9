package io.taclog.cli;

import io.taclog.app.Databases;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.dashboard.DashboardServer;
import io.taclog.dashboard.DashboardSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog dashboard}: the web dashboard over a database, read-only, until stopped. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve the web dashboard over the database (read-only) until stopped (SIGTERM/Ctrl-C).")
public final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--db", paramLabel = "PATH", description = "SQLite database, or a jdbc:postgresql:// URL "
            + "(default: taclog.db of --config).")
    Path db;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file (taclog.db, taclog.dashboard.*).")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "TCP port (taclog.dashboard.port, 7433; 0 = any free).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address to listen on (taclog.dashboard.address, 127.0.0.1); any other needs a token.")
    String bind;

    @Option(names = "--token", paramLabel = "SECRET", description = "Token every request must carry "
            + "(taclog.dashboard.token or TACLOG_DASHBOARD_TOKEN; required off loopback).")
    String token;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of days and dates (default: this machine's).")
    String tz;

    @Option(names = "--no-archives", description = "Read the database alone, not the months moved to archive files "
            + "(taclog.dashboard.include-archives=false).")
    boolean noArchives;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (db != null) {
            overrides.put(ConfigKeys.DB.name(), db.toString());
        }
        if (port != null) {
            overrides.put(ConfigKeys.DASHBOARD_PORT.name(), port.toString());
        }
        if (bind != null) {
            overrides.put(ConfigKeys.DASHBOARD_ADDRESS.name(), bind);
        }
        if (token != null) {
            overrides.put(ConfigKeys.DASHBOARD_TOKEN.name(), token);
        }
        if (noArchives) {
            overrides.put(ConfigKeys.DASHBOARD_ARCHIVES.name(), "false");
        }
        TaclogConfig c = TaclogConfig.load(Optional.ofNullable(config), overrides);
        ZoneId zone = tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
        DashboardSettings settings = settings(c, zone);
        try (Connection check = ReadOnlyDb.open(c, false)) {
            // a missing, locked, older or newer database is refused here, with the queries' messages
            check.isValid(1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (DashboardServer server = start(settings)) {
            Thread hook = new Thread(stop::countDown, "taclog-dashboard-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine().getOut().println("taclog dashboard of " + settings.databaseName() + " at " + server.url()
                    + (settings.token().isPresent() ? " (open " + server.url() + "login?token=... once)" : ""));
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return Main.OK;
    }

    /**
     * The dashboard's settings from the configuration; a bad combination (no token off loopback, archives asked
     * for on PostgreSQL) is a usage error.
     */
    public static DashboardSettings settings(TaclogConfig c, ZoneId zone) {
        String token = c.get(ConfigKeys.DASHBOARD_TOKEN);
        if (token.isEmpty() && System.getenv("TACLOG_DASHBOARD_TOKEN") != null) {
            token = System.getenv("TACLOG_DASHBOARD_TOKEN");
        }
        boolean postgres = Databases.isPostgres(c);
        if (postgres && c.isSet(ConfigKeys.DASHBOARD_ARCHIVES) && c.get(ConfigKeys.DASHBOARD_ARCHIVES)) {
            // by default the key is simply off on PostgreSQL (no archive can exist there); asked for, it is refused
            // rather than ignored, as queries refuse --include-archives
            throw new CliException(Main.USAGE, ConfigKeys.DASHBOARD_ARCHIVES.name() + "=true: monthly archives are "
                    + "SQLite-only and a PostgreSQL database has none; remove the key or set it to false");
        }
        try {
            return new DashboardSettings(c.get(ConfigKeys.DB), c.get(ConfigKeys.DASHBOARD_ADDRESS),
                    c.get(ConfigKeys.DASHBOARD_PORT), Optional.of(token), zone, c.get(ConfigKeys.ALERTS_DAILY_BUDGET),
                    c.get(ConfigKeys.DASHBOARD_RATE), c.get(ConfigKeys.DASHBOARD_ARCHIVES) && !postgres,
                    postgres ? Databases.postgres(c) : null);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, e.getMessage());
        }
    }

    /** Starts the server; a port in use is a failure with a clear message. */
    public static DashboardServer start(DashboardSettings settings) {
        try {
            return DashboardServer.start(settings);
        } catch (RuntimeException e) {
            throw new CliException(Main.FAILURE, "cannot serve the dashboard on " + settings.address() + ":"
                    + settings.port() + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
