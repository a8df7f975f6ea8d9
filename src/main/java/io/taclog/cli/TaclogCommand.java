package io.taclog.cli;

import picocli.CommandLine.Command;

/** The {@code taclog} command; its subcommands are added by {@link CommandTree}. */
@Command(name = "taclog", mixinStandardHelpOptions = true, version = "taclog 0.1.0",
        description = "Audit-logging sidecar for coding-agent coordinators: tails their logs into SQLite.")
public final class TaclogCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
