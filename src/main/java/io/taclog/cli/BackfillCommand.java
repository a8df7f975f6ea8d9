package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.IngestMonitor;
import io.taclog.sink.DeferredIndexes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code taclog backfill}: reads what is in the configured files now, commits it and exits. Exit 0 when
 * every complete line was accounted for (rejects included, and reported); 1 only when it could not do
 * its job.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Load what the configured logs hold now, then exit (historical import).")
public final class BackfillCommand implements Callable<Integer> {

    /** Consecutive failed batches after which backfill gives up (each is retried with back-off first). */
    private static final int GIVE_UP_AFTER_FAILURES = 20;

    @Mixin
    SourceOptions sources;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show progress while running (only on a terminal).")
    boolean progress;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Give up after this many seconds (0 = no limit).")
    long timeoutSeconds;

    @Option(names = "--from-archive", paramLabel = "DIR", description = "Re-ingest the raw archive in DIR "
            + "(taclog archive-raw) instead of the configured sources: the same rows as the original ingest, also "
            + "when the original files are gone.")
    Path fromArchive;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** A database below this size defers its indexes in {@code auto} mode (a first import, a young database). */
    private static final long DEFER_BELOW_BYTES = 64L << 20;
    /** How long a backfill waits for the publishing route before it ends (docs/routes.md). */
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);

    /**
     * Whether this load should drop the readers' indexes and build them at its end. {@code auto} does when the
     * database is still small: then the final build costs less than keeping the indexes up row by row (a
     * bigger database keeps them, however much comes in). Decided from the database alone, so that a backfill
     * need not walk its sources twice before it starts.
     */
    static boolean deferIndexes(TaclogConfig config, Path db) {
        String mode = config.get(ConfigKeys.BACKFILL_DEFER_INDEXES);
        if (db == null) {
            return false; // PostgreSQL: no deferred indexes
        }
        if (!"auto".equals(mode)) {
            return "always".equals(mode);
        }
        try {
            return !Files.exists(db) || Files.size(db) < DEFER_BELOW_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = sources.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (fromArchive != null) {
            if (sources.namesSources()) {
                throw new CliException(Main.USAGE, "--from-archive reads only the archive: leave out --watch and the "
                        + "--coordinator-* flags");
            }
            return ArchiveBackfill.run(config, fromArchive, out, err);
        }
        try (IngestRuntime runtime = IngestRuntime.openBackfill(config)) {
            BackfillReport report = new BackfillReport(runtime);
            report.before();
            IngestMonitor monitor = runtime.monitor();
            boolean showProgress = progress && System.console() != null;
            if (showProgress) {
                report.estimateWorkInBackground(monitor); // only the progress line needs it
            }
            if (deferIndexes(config, runtime.database().path())) {
                DeferredIndexes.defer(runtime.database());
            } else {
                DeferredIndexes.build(runtime.database()); // left by an interrupted bulk load
            }
            Progress p = new Progress(err, monitor, showProgress);
            CamelSidecar sidecar = new CamelSidecar(runtime);
            sidecar.start();
            boolean done;
            try {
                Duration limit = timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds) : Duration.ofDays(365);
                done = monitor.awaitDrained(limit, () -> {
                    p.tick();
                    if (monitor.consecutiveFailures() >= GIVE_UP_AFTER_FAILURES) {
                        throw new CliException(Main.FAILURE, "backfill gave up after " + GIVE_UP_AFTER_FAILURES
                                + " failed batches in a row; see the log above");
                    }
                });
                if (done && config.get(ConfigKeys.OUTBOX_ENABLED)) {
                    awaitPublished(runtime, err);
                }
            } finally {
                sidecar.stop();
                p.finish();
            }
            // what the load deferred is built now, also after a timeout: the next start would build it anyway
            DeferredIndexes.build(runtime.database());
            // coordinator outputs: estimate coordinator.log times, derive what depends on them (docs/coordinator.md)
            String coordinator = done ? runtime.formats().finishBackfill() : "";
            report.after();
            report.print(out);
            if (!coordinator.isEmpty()) {
                out.println(coordinator);
            }
            if (!done) {
                err.println("taclog: backfill timed out before every source was read; what was read is committed");
                return Main.FAILURE;
            }
            if (report.rejectedThisRun() > 0) {
                err.printf("taclog: %d line(s) quarantined; see `taclog files` and the ingest_rejects table in %s%n",
                        report.rejectedThisRun(), runtime.database().describe());
            }
            return Main.OK;
        }
    }

    /**
     * With the outbox on, the publishing route gets a little time to send what the load committed; what it
     * cannot send now (an endpoint that is down) waits in the outbox for the next start.
     */
    private static void awaitPublished(IngestRuntime runtime, PrintWriter err) throws Exception {
        long deadline = System.nanoTime() + PUBLISH_WAIT.toNanos();
        long pending = runtime.outbox().pending();
        while (pending > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            pending = runtime.outbox().pending();
        }
        if (pending > 0) {
            err.printf("taclog: %,d committed facts not published yet (taclog.outbox.endpoint); they are sent at the "
                    + "next start%n", pending);
        }
    }
}
