package io.taclog.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taclog.ingest.IngestMonitor;
import io.taclog.ingest.SourceStats;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The sidecar's meters. Nothing here runs per line: counters are functions over {@link IngestMonitor}'s existing
 * counts and gauges over what the sources publish once per poll, both read when Prometheus scrapes; the only
 * per-batch work is the commit timer. Meters for sources, reject reasons and models appear at the first scrape
 * that sees them (they are not known at start).
 */
final class SidecarMeters {

    private static final String[] FILE_STATES = {"open", "parked", "idle"};

    private final MeterRegistry registry;
    private final IngestMonitor monitor;
    private final DatabaseFigures figures;
    private final Timer commits;
    private final WriterProgress progress;
    private final Set<String> sources = new HashSet<>();
    private final Set<String> reasons = new HashSet<>();
    private final Set<String> models = new HashSet<>();

    SidecarMeters(MeterRegistry registry, IngestMonitor monitor, DatabaseFigures figures, WriterProgress progress) {
        this.registry = registry;
        this.monitor = monitor;
        this.figures = figures;
        this.progress = progress;
        counter("taclog.lines.committed", "Input lines committed (stored, skipped or rejected) since start",
                IngestMonitor::lines);
        counter("taclog.rows.committed", "Rows stored since start", IngestMonitor::rows);
        counter("taclog.lines.skipped", "Lines deliberately skipped since start (counted by reason in the "
                + "database)", IngestMonitor::skipped);
        counter("taclog.lines.rejected", "Lines quarantined since start", IngestMonitor::rejected);
        FunctionCounter.builder("taclog.committed", monitor, IngestMonitor::bytes).baseUnit("bytes")
                .description("Input bytes committed since start").register(registry);
        counter("taclog.batches.committed", "Batches committed since start", IngestMonitor::batches);
        counter("taclog.batches.failed", "Batches that failed and were read again since start",
                IngestMonitor::failures);
        commits = Timer.builder("taclog.batch.commit").description("Time the writer took to commit a batch")
                .register(registry);
        Gauge.builder("taclog.last.commit.age.seconds", progress, WriterProgress::secondsSinceCommit)
                .description("Seconds since the writer last committed a batch (since start before the first)")
                .register(registry);
        Gauge.builder("taclog.workers.running", figures, f -> f.cached().workersRunning())
                .description("Workers spawned or running (transcript-only ones written to within the last hour)")
                .register(registry);
    }

    private void counter(String name, String description, ToDoubleFunction<IngestMonitor> f) {
        FunctionCounter.builder(name, monitor, f).description(description).register(registry);
    }

    /** One committed batch's duration (the writer's thread). */
    void committed(long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
        progress.committed();
    }

    /** Before a scrape: refreshes the database figures (cached) and adds meters for what appeared since. */
    synchronized void beforeScrape() {
        DatabaseFigures.Figures f = figures.get();
        for (String source : monitor.sourceStats().keySet()) {
            if (sources.add(source)) {
                addSource(source);
            }
        }
        for (String reason : f.rejectsByReason().keySet()) {
            if (reasons.add(reason)) {
                FunctionCounter.builder("taclog.rejects", figures,
                                d -> d.cached().rejectsByReason().getOrDefault(reason, 0L))
                        .description("Lines and fragments quarantined in ingest_rejects, by reason (all time)")
                        .tag("reason", reason).register(registry);
            }
        }
        for (String model : f.callsToday().keySet()) {
            if (models.add(model)) {
                // a model with no call today (after midnight) reads 0, as the day's figure should
                Gauge.builder("taclog.api.calls.today", figures,
                                d -> d.cached().callsToday().getOrDefault(model, 0L))
                        .description("API calls today (local day of this machine), by model").tag("model", model)
                        .register(registry);
                Gauge.builder("taclog.cost.today.usd", figures, d -> d.cached().costToday().getOrDefault(model, 0.0))
                        .description("Cost today in USD (reported by the agent where it does, else estimated), "
                                + "by model").tag("model", model).register(registry);
            }
        }
    }

    private void addSource(String source) {
        Gauge.builder("taclog.source.bytes.behind", monitor, m -> stats(m, source).bytesBehind())
                .description("Bytes in followed files beyond what is committed, as of the source's last poll "
                        + "(a partial last line included)").tag("source", source).register(registry);
        for (String state : FILE_STATES) {
            Gauge.builder("taclog.files.followed", monitor, m -> files(stats(m, source), state))
                    .description("Files a source follows: open (a handle), parked (read, commit pending), idle "
                            + "(closed, watched for changes)").tags("source", source, "state", state)
                    .register(registry);
        }
    }

    private static SourceStats stats(IngestMonitor m, String source) {
        return m.sourceStats(source);
    }

    private static double files(SourceStats s, String state) {
        if (s.tail() == null) {
            return 0;
        }
        return switch (state) {
            case "open" -> s.tail().openFiles();
            case "parked" -> s.tail().parkedFiles();
            default -> s.tail().idleFiles();
        };
    }
}
