package io.taclog.cli;

import picocli.CommandLine.Command;

/** The {@code taclog} command and its subcommands. */
@Command(name = "taclog", mixinStandardHelpOptions = true, version = "taclog 0.1.0",
        description = "Audit-logging sidecar for coding-agent coordinators: tails their logs into SQLite.",
        subcommands = {RunCommand.class, BackfillCommand.class, ValidateCommand.class, FilesCommand.class,
            MigrateCommand.class, io.taclog.cli.query.QueryCommand.class, ExportCommand.class, PricesCommand.class})
public final class TaclogCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
