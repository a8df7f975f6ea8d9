package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.TaclogConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code taclog run}: the sidecar, following every configured source until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Follow the configured logs and load them into SQLite until stopped (SIGTERM/Ctrl-C).")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    SourceOptions sources;

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = sources.load();
        try (IngestRuntime runtime = IngestRuntime.open(config, false)) {
            new CamelSidecar(runtime).runUntilStopped();
        }
        return Main.OK;
    }
}
