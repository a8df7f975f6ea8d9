package io.taclog.cli;

import io.taclog.config.TaclogConfig;
import io.taclog.schema.Migrator;
import io.taclog.sink.Database;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog migrate}: brings a database to the latest schema (ingest commands do this at start too). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply pending schema migrations (numbered, forward-only).")
public final class MigrateCommand implements Callable<Integer> {

    @Mixin
    SourceOptions sources;

    @Option(names = "--to", paramLabel = "VERSION", description = "Stop at this version (default: latest).")
    Integer target;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = sources.load();
        try (Database db = io.taclog.app.Databases.openWriter(config)) {
            int before = db.withWriter(Migrator::currentVersion);
            List<Integer> applied = Migrator.migrate(db, target == null ? Migrator.latestVersion() : target);
            int after = db.withWriter(Migrator::currentVersion);
            spec.commandLine().getOut().printf("%s: schema version %d -> %d (applied %s)%n",
                    db.describe(), before, after, applied.isEmpty() ? "nothing" : applied);
        }
        return Main.OK;
    }
}
