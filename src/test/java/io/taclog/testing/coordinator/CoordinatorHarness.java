package io.taclog.testing.coordinator;

import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.SourceKinds;
import io.taclog.source.TailBatch;
import io.taclog.source.TailOptions;
import io.taclog.source.Tailer;
import io.taclog.testing.PipelineSteps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real ingest pipeline for coordinator sources without Camel: {@link IngestRuntime} (migrated SQLite,
 * the real parsers and writers from the configuration) and one {@link Tailer} per source kind, pumped
 * the way the tail consumer pumps them. Batches can be made small to cut multi-line groups apart.
 */
public final class CoordinatorHarness implements AutoCloseable {

    private final Path db;
    private final Map<String, String> settings;
    private final boolean backfill;
    private final Map<String, List<Path>> sources = new LinkedHashMap<>();
    private final int batchLines;
    private final Clock clock;
    private IngestRuntime runtime;
    private final Map<String, Tailer> tailers = new LinkedHashMap<>();

    private CoordinatorHarness(Builder b) {
        this.db = b.db;
        this.settings = new LinkedHashMap<>(b.settings);
        this.backfill = b.backfill;
        this.sources.putAll(b.sources);
        this.batchLines = b.batchLines;
        this.clock = b.clock;
    }

    public static Builder db(Path db) {
        return new Builder(db);
    }

    /** Harness options. */
    public static final class Builder {
        private final Path db;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, List<Path>> sources = new LinkedHashMap<>();
        private boolean backfill;
        private int batchLines = 5000;
        private Clock clock = Clock.systemUTC();

        private Builder(Path db) {
            this.db = db;
        }

        public Builder log(Path... files) {
            sources.computeIfAbsent(SourceKinds.COORDINATOR_LOG, k -> new ArrayList<>()).addAll(List.of(files));
            return this;
        }

        public Builder events(Path... files) {
            sources.computeIfAbsent(SourceKinds.COORDINATOR_EVENTS, k -> new ArrayList<>()).addAll(List.of(files));
            return this;
        }

        public Builder transcripts(Path... dirs) {
            sources.computeIfAbsent(SourceKinds.TRANSCRIPTS, k -> new ArrayList<>()).addAll(List.of(dirs));
            return this;
        }

        /** Any configuration key. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder backfill() {
            backfill = true;
            return this;
        }

        /** Lines per batch (one transaction): small values cut groups across batch boundaries. */
        public Builder batchLines(int n) {
            batchLines = n;
            return this;
        }

        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        public CoordinatorHarness start() {
            CoordinatorHarness h = new CoordinatorHarness(this);
            h.open();
            return h;
        }
    }

    public TaclogConfig config() {
        Map<String, String> o = new LinkedHashMap<>(settings);
        o.put("taclog.db", db.toString());
        return TaclogConfig.load(Optional.empty(), o);
    }

    private void open() {
        runtime = PipelineSteps.openRuntime(config(), backfill, clock, db);
        for (var e : sources.entrySet()) {
            String kind = e.getKey();
            TailOptions o = IngestRuntime.tailOptions(runtime.config(), kind, e.getValue(), backfill)
                    .withInclude(SourceKinds.TRANSCRIPTS.equals(kind) ? List.of("*.jsonl") : List.of("*"));
            o = PipelineSteps.testTimings(o, Duration.ZERO);
            o = o.withLimits(o.maxLineBytes(), batchLines, o.batchMaxBytes(), o.maxOpenFiles());
            tailers.put(kind, new Tailer(o, runtime.registry(), clock, System::nanoTime));
        }
    }

    /** Simulates a process restart: closes the tailers and the database, then opens both again. */
    public CoordinatorHarness restart() {
        closeAll();
        open();
        return this;
    }

    /** Reads, parses and commits every source until none has more; returns the lines committed. */
    public int pump() {
        int lines = 0;
        for (String kind : tailers.keySet()) {
            lines += pump(kind);
        }
        return lines;
    }

    /** Pumps one source kind (e.g. the log before the transcripts, to fix the order of arrival). */
    public int pump(String kind) {
        return PipelineSteps.untilQuiet(() -> stepBatch(kind), PipelineSteps.NO_LINES);
    }

    /** One batch of one source kind; returns its lines. */
    public int step(String kind) {
        TailBatch batch = stepBatch(kind);
        return batch.isEmpty() ? 0 : batch.lineCount();
    }

    private TailBatch stepBatch(String kind) {
        Tailer t = tailers.get(kind);
        TailBatch batch = PipelineSteps.next(t);
        if (batch.isEmpty()) {
            return batch;
        }
        ParsedBatch parsed = runtime.parser().parse(batch);
        try {
            runtime.writer().commit(parsed);
        } catch (SQLException | RuntimeException e) {
            t.rollback(batch);
            throw new IllegalStateException("commit failed", e);
        }
        t.confirm(batch, parsed.endStates());
        return batch;
    }

    /** Reads one batch and drops it uncommitted, as a crash between read and commit would. */
    public int readAndCrash(String kind) {
        TailBatch batch = PipelineSteps.next(tailers.get(kind));
        runtime.parser().parse(batch);
        return batch.lineCount();
    }

    /** Applies one version of a work-queue file, as the work-queue route does; returns its outcome. */
    public String queue(Path file) {
        // the harness pumps its tailers itself: they count as drained sources for a backfill's queue step
        runtime.monitor().register("harness-tailers");
        runtime.monitor().drained("harness-tailers");
        try {
            byte[] content = java.nio.file.Files.readAllBytes(file);
            long modified = java.nio.file.Files.getLastModifiedTime(file).toMillis();
            return ((io.taclog.app.WorkQueueStep) runtime.formats().camelBeans().get("workQueue"))
                    .ingest(content, file.toString(), modified);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("work-queue version not applied", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a backfill does once everything is read (time estimates, derived facts); returns its summary. */
    public String finishBackfill() {
        try {
            return runtime.formats().finishBackfill();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public IngestRuntime runtime() {
        return runtime;
    }

    public Path db() {
        return db;
    }

    private void closeAll() {
        tailers.values().forEach(Tailer::close);
        tailers.clear();
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
