package io.taclog.cli.query;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code taclog query}: answers from the database (read-only, no Camel). */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Ask the database: cost, a task's story, sessions, workers, decisions, errors, tools.",
        subcommands = {CostCommand.class, TaskCommand.class, SessionsCommand.class, WorkersCommand.class,
            DecisionsCommand.class, ErrorsCommand.class, ToolsCommand.class})
public final class QueryCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
