package io.taclog.testing.transcripts;

import io.taclog.app.Formats;
import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.BatchParser;
import io.taclog.ingest.SourceKinds;
import io.taclog.source.TailBatch;
import io.taclog.source.TailOptions;
import io.taclog.source.Tailer;
import io.taclog.testing.FakeTicker;
import io.taclog.testing.PipelineSteps;
import io.taclog.validate.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The real transcript pipeline without Camel: the configured {@link IngestRuntime} (migrated SQLite, every
 * transcript handler and writer, the price table, the worker linker) fed by a {@link Tailer} over the watched
 * paths, with a fake nano clock so that hole grace and rotate waits pass only when a test says so.
 * {@link #pump()} does what the Camel consumer does per poll; {@link #crash()} reads and parses a batch and
 * then dies without committing it.
 */
public final class TranscriptHarness implements AutoCloseable {

    private final Path dbPath;
    private final List<Path> watch;
    private final Map<String, String> settings;
    private final boolean backfill;
    private final Duration holeGrace;
    private final FakeTicker ticker = new FakeTicker();
    private IngestRuntime runtime;
    private Tailer tailer;

    private TranscriptHarness(Builder b) {
        this.dbPath = b.db;
        this.watch = List.copyOf(b.watch);
        this.settings = new LinkedHashMap<>(b.settings);
        this.backfill = b.backfill;
        this.holeGrace = b.holeGrace;
    }

    /** A harness whose database is {@code db}. */
    public static Builder db(Path db) {
        return new Builder(db);
    }

    /** Harness options. */
    public static final class Builder {
        private final Path db;
        private final List<Path> watch = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private boolean backfill;
        private Duration holeGrace = Duration.ZERO;

        private Builder(Path db) {
            this.db = db;
        }

        /** A directory (walked) or a single file to follow. */
        public Builder watch(Path... paths) {
            watch.addAll(List.of(paths));
            return this;
        }

        /** Any taclog configuration key, as {@code --set key=value} would. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** One-shot backfill mode (never waits for NUL holes to fill). */
        public Builder backfill() {
            backfill = true;
            return this;
        }

        /** How long (on the fake clock) a NUL hole followed by data is waited on before it is skipped. */
        public Builder holeGrace(Duration grace) {
            holeGrace = grace;
            return this;
        }

        public TranscriptHarness start() {
            TranscriptHarness h = new TranscriptHarness(this);
            h.open();
            return h;
        }
    }

    private void open() {
        try {
            for (Path p : watch) {
                if (!Files.exists(p)) {
                    Files.createDirectories(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> o = new LinkedHashMap<>(settings);
        o.put("taclog.db", dbPath.toString());
        o.put("taclog.watch", watch.stream().map(Path::toString).collect(Collectors.joining(",")));
        TaclogConfig config = TaclogConfig.load(Optional.empty(), o);
        runtime = PipelineSteps.openRuntime(config, backfill, Clock.systemUTC(), dbPath);
        TailOptions options = PipelineSteps.testTimings(
                IngestRuntime.tailOptions(config, SourceKinds.TRANSCRIPTS, watch, backfill), holeGrace);
        tailer = new Tailer(options, runtime.registry(), Clock.systemUTC(), ticker);
    }

    /** Reads, parses and commits until the tailer has nothing more (two empty batches in a row). */
    public int pump() {
        return PipelineSteps.untilQuiet(this::stepBatch, PipelineSteps.NO_LINES);
    }

    /** One batch: read, parse, commit, confirm. Returns the lines committed (0 when there was nothing). */
    public int step() {
        TailBatch batch = stepBatch();
        return batch.isEmpty() ? 0 : batch.lineCount();
    }

    private TailBatch stepBatch() {
        TailBatch batch = PipelineSteps.next(tailer);
        if (!batch.isEmpty()) {
            PipelineSteps.commit(tailer, batch, runtime.parser().parse(batch), runtime.writer()::commit);
        }
        return batch;
    }

    /**
     * The process dies in the middle of a batch: the next batch is read and parsed, but never committed, and
     * everything is closed. Returns the number of lines that were in flight. {@link #restart()} reopens.
     */
    public int crash() {
        TailBatch batch = PipelineSteps.next(tailer);
        runtime.parser().parse(batch);
        closeAll();
        return batch.lineCount();
    }

    /** A process restart: closes the tailer and the database (if still open), then opens both again. */
    public TranscriptHarness restart() {
        closeAll();
        open();
        return this;
    }

    /** Runs {@code taclog validate}'s checks (ledger and per-worker content) against the raw files. */
    public Validator.Report validate() {
        Formats formats = new Formats(runtime.config(), Clock.systemUTC());
        return PipelineSteps.validate(dbPath, new Validator(new BatchParser(formats.parsers(), true),
                runtime.config().get(ConfigKeys.MAX_LINE_BYTES), formats.contentChecks()));
    }

    /** Lets the fake monotonic clock run (hole grace, rotate wait). */
    public void advance(Duration d) {
        ticker.advance(d);
    }

    public Path db() {
        return dbPath;
    }

    public IngestRuntime runtime() {
        return runtime;
    }

    private void closeAll() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @Override
    public void close() {
        closeAll();
    }
}
