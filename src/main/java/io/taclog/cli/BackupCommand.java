package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.maintenance.Backup;
import io.taclog.maintenance.BackupLog;
import io.taclog.maintenance.BackupRefused;
import io.taclog.sink.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog backup}: a validated copy of the database, safe while the sidecar writes (docs/storage.md). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Copy the database to a new file while the sidecar may be writing; the copy is checked "
                + "(quick_check, row counts) before it gets its name.")
public final class BackupCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--to", paramLabel = "FILE", required = true,
            description = "The copy to write; must not exist yet, in an existing writable directory.")
    Path to;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = db.load();
        Path source = config.get(ConfigKeys.DB);
        SqliteOnlyCommand.refuse(source, "taclog backup (use the server's own backup, e.g. pg_dump)");
        PrintWriter out = spec.commandLine().getOut();
        Backup.Result r;
        try {
            r = new Backup(config.get(ConfigKeys.DB_BUSY_TIMEOUT), Clock.systemUTC()).take(source, to);
        } catch (BackupRefused e) {
            throw new CliException(Main.USAGE, e.getMessage() + "; nothing was written");
        } catch (SQLException e) {
            throw new CliException(Main.FAILURE, "backup of " + source + " failed, nothing was written: "
                    + e.getMessage(), e);
        }
        long rows = r.rows().values().stream().mapToLong(Long::longValue).sum();
        out.printf("backup of %s written to %s%n", source, r.target());
        if (r.conversations() != null) {
            out.printf("  and its conversations file to %s (restore both; the copy names it)%n", r.conversations());
        }
        out.printf(Locale.ROOT, "  size      %s (%,d bytes)%n", Sizes.human(r.bytes()), r.bytes());
        out.printf("  snapshot  %s, schema version %d%n", io.taclog.model.Times.format(r.takenAt()),
                r.schemaVersion());
        out.printf(Locale.ROOT, "  checked   quick_check ok; %d tables, %,d rows, each count equal to the source's%n",
                r.rows().size(), rows);
        out.printf(Locale.ROOT, "  took      %.2f s%n", r.took().toMillis() / 1000.0);
        out.println("  recorded  " + record(config, r));
        return Main.OK;
    }

    /** The backup is written and valid whatever happens here: a failure to record it is a note, not an error. */
    private static String record(TaclogConfig config, Backup.Result r) {
        try (Database d = Database.open(config.get(ConfigKeys.DB), IngestRuntime.databaseSettings(config))) {
            return BackupLog.record(d, r) ? "in the backups table (taclog doctor shows it)"
                    : "no: the database's schema has no backups table yet (run taclog migrate)";
        } catch (SQLException | RuntimeException e) {
            return "no: " + Main.describe(e);
        }
    }
}
