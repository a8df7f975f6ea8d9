package io.taclog.testing;

import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.Database;
import io.taclog.source.TailBatch;
import io.taclog.source.TailOptions;
import io.taclog.source.Tailer;
import io.taclog.validate.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The steps the pipeline harnesses share: their runtime and tail timings; reading a batch, committing and
 * confirming it (or rewinding the tailer) and pumping until the sources are quiet, as the tail consumer does;
 * and the validator run on what they stored.
 */
public final class PipelineSteps {

    /** Quiet: the tailer had no batch. */
    public static final Predicate<TailBatch> NO_BATCH = TailBatch::isEmpty;
    /** Quiet: no lines came (a batch of skipped bytes alone counts as quiet too). */
    public static final Predicate<TailBatch> NO_LINES = b -> b.isEmpty() || b.lineCount() == 0;

    private static final int MAX_ROUNDS = 100_000;

    /** Stores a parsed batch in one transaction. */
    @FunctionalInterface
    public interface Commit<S> {
        S commit(ParsedBatch parsed) throws SQLException;
    }

    private PipelineSteps() {
    }

    /** The configured runtime (migrated SQLite, the real parsers and writers); failing to open it fails the test. */
    public static IngestRuntime openRuntime(TaclogConfig config, boolean backfill, Clock clock, Path db) {
        try {
            return IngestRuntime.open(config, backfill, clock);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + db, e);
        }
    }

    /**
     * Scan on every batch; rotate-wait (10 s) and idle-close (1 min) long enough that a test ends them only by
     * advancing a fake clock; NUL holes followed by data are waited on for {@code holeGrace}.
     */
    public static TailOptions testTimings(TailOptions o, Duration holeGrace) {
        // every pump walks the tree: notification arrives on its own thread, and a test writes then pumps at once
        return o.withTimings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(1), holeGrace)
                .withFullScanInterval(Duration.ZERO);
    }

    /** The tailer's next batch; an I/O error fails the test unchecked. */
    public static TailBatch next(Tailer tailer) {
        try {
            return tailer.nextBatch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits a parsed batch and confirms it; a failed commit rewinds the tailer (as the consumer does), rethrown. */
    public static <S> S commit(Tailer tailer, TailBatch batch, ParsedBatch parsed, Commit<S> writer) {
        try {
            S s = writer.commit(parsed);
            tailer.confirm(batch, parsed.endStates());
            return s;
        } catch (SQLException e) {
            tailer.rollback(batch);
            throw new IllegalStateException("commit failed", e);
        } catch (RuntimeException | Error e) {
            tailer.rollback(batch);
            throw e;
        }
    }

    /**
     * Takes steps (each reads a batch and commits it) until two in a row are quiet: a file that restarts as a
     * new generation is read from the next batch on, as on the next poll. Returns the lines of the other steps.
     */
    public static int untilQuiet(Supplier<TailBatch> step, Predicate<TailBatch> quiet) {
        int lines = 0;
        int empty = 0;
        for (int rounds = 0; rounds < MAX_ROUNDS; rounds++) {
            TailBatch batch = step.get();
            if (quiet.test(batch)) {
                if (++empty == 2) {
                    return lines;
                }
                continue;
            }
            empty = 0;
            lines += batch.lineCount();
        }
        throw new AssertionError("pump did not settle after " + MAX_ROUNDS + " batches");
    }

    /** Runs the real validator (re-reading the raw files) against the database, opened read-only. */
    public static Validator.Report validate(Path db, Validator validator) {
        try (Connection c = Database.openReadOnly(db, 5000)) {
            return validator.validate(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
