package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.rawarchive.ArchiveIndex;
import io.taclog.rawarchive.ArchiveRestore;
import io.taclog.rawarchive.RawArchiveRefused;
import io.taclog.sink.DeferredIndexes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/**
 * {@code taclog backfill --from-archive DIR}: the raw archive read back into a database (docs/storage.md, "Restore").
 * Everything that can be checked is checked before the database is opened: the archive's manifests, every segment's
 * size and SHA-256, and that the target holds no other files under the archive's ids. Any of that wrong is a usage
 * error (exit 2) and nothing is written.
 */
final class ArchiveBackfill {

    private ArchiveBackfill() {
    }

    static int run(TaclogConfig config, Path dir, PrintWriter out, PrintWriter err) throws Exception {
        Path db = config.get(ConfigKeys.DB).toAbsolutePath();
        ArchiveRestore restore;
        int segments;
        try {
            ArchiveIndex index = ArchiveIndex.load(dir);
            restore = new ArchiveRestore(index, config.get(ConfigKeys.MAX_LINE_BYTES));
            segments = restore.verifySegments();
            restore.checkTarget(db, config.get(ConfigKeys.DB_BUSY_TIMEOUT));
        } catch (RawArchiveRefused e) {
            throw new CliException(Main.USAGE, e.getMessage() + "; nothing was changed");
        }
        try (IngestRuntime runtime = IngestRuntime.openBackfill(config)) {
            BackfillReport report = new BackfillReport(runtime);
            report.before();
            if (BackfillCommand.deferIndexes(config, runtime.database().path())) {
                DeferredIndexes.defer(runtime.database());
            } else {
                DeferredIndexes.build(runtime.database());
            }
            // the unpacked files go beside the database: a system temporary folder is often a small in-memory one
            ArchiveRestore.Result r = restore.restore(runtime.database(), runtime.parser(), runtime.writer(),
                    db.getParent(), Clock.systemUTC());
            DeferredIndexes.build(runtime.database());
            String coordinator = runtime.formats().finishBackfill();
            report.after();
            report.print(out);
            if (!coordinator.isEmpty()) {
                out.println(coordinator);
            }
            out.printf(Locale.ROOT, "from the raw archive %s: %,d files restored, %,d continued, %,d already complete; "
                            + "%,d of %,d segments read (%s) in %.1f s%n", dir.toAbsolutePath().normalize(),
                    r.restored(), r.continued(), r.complete(), r.segments(), segments, Sizes.human(r.bytes()),
                    r.took().toMillis() / 1000.0);
            for (String gap : r.gaps()) {
                err.println("taclog: warning: " + gap);
            }
            for (String p : r.problems()) {
                err.println("taclog: " + p);
            }
            if (!r.problems().isEmpty()) {
                return Main.FAILURE;
            }
            if (report.rejectedThisRun() > 0) {
                err.printf("taclog: %d line(s) quarantined; see `taclog files` and the ingest_rejects table in %s%n",
                        report.rejectedThisRun(), db);
            }
            return Main.OK;
        }
    }
}
