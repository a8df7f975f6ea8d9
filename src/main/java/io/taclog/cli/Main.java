package io.taclog.cli;

import io.taclog.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Entry point. {@code System.exit} is called here and nowhere else; everything below returns an exit
 * code: 0 ok, 1 failure, 2 usage (bad flags or bad configuration).
 */
public final class Main {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    /**
     * Commands that print answers and log nothing: they do not start the logging system (half a second of a
     * query before the logging configuration moved to code; still 50 ms after).
     */
    private static final java.util.Set<String> QUIET = java.util.Set.of("query", "export", "files", "completion");

    public static void main(String[] args) {
        boolean ingest = args.length > 0 && ("backfill".equals(args[0]) || "run".equals(args[0]));
        if (ingest) {
            // the warm-up threads below log through SLF4J: the logging system is set up first, here, or their
            // messages race its start and SLF4J prints a warning about replaying them
            org.slf4j.LoggerFactory.getILoggerFactory();
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            DriverWarmUp.start();
        }
        if (ingest) {
            IngestWarmUp.start();
        }
        if (args.length > 0 && QUIET.contains(args[0]) && System.getProperty("slf4j.provider") == null
                && System.getenv("TACLOG_LOG_LEVEL") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN"); // no note that the provider was chosen
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command with the given output streams (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = CommandTree.forArgs(args);
        cl.setOut(o);
        cl.setErr(e);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigException) {
                cmd.getErr().println("taclog: configuration error: " + ex.getMessage());
                return USAGE;
            }
            if (ex instanceof io.taclog.sink.ConversationsFileRefused) {
                cmd.getErr().println("taclog: configuration error: " + ex.getMessage());
                return USAGE;
            }
            if (ex instanceof CliException ce) {
                cmd.getErr().println("taclog: " + ce.getMessage());
                return ce.exitCode();
            }
            Throwable refused = databaseRefused(ex);
            if (refused != null) { // a PostgreSQL database asked for what it cannot do, or taken by another sidecar
                cmd.getErr().println("taclog: " + refused.getMessage());
                return USAGE;
            }
            cmd.getErr().println("taclog: " + describe(ex));
            return FAILURE;
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }

    private static Throwable databaseRefused(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof io.taclog.app.Databases.SqliteOnly
                    || t instanceof io.taclog.sink.dialect.PostgresTarget.InvalidTarget
                    || t instanceof io.taclog.sink.Database.HostBusyException) {
                return t;
            }
        }
        return null;
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }
}
