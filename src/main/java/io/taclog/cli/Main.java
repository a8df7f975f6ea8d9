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

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command with the given output streams (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new TaclogCommand());
        cl.setOut(o);
        cl.setErr(e);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigException) {
                cmd.getErr().println("taclog: configuration error: " + ex.getMessage());
                return USAGE;
            }
            if (ex instanceof CliException ce) {
                cmd.getErr().println("taclog: " + ce.getMessage());
                return ce.exitCode();
            }
            cmd.getErr().println("taclog: " + describe(ex));
            return FAILURE;
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }
}
