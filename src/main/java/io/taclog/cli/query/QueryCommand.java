package io.taclog.cli.query;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code taclog query}: answers from the database (read-only, no Camel). Its subcommands are added by
 * {@code io.taclog.cli.CommandTree}.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Ask the database: cost, a task's story, sessions, workers, decisions, errors, tools, search.")
public final class QueryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
