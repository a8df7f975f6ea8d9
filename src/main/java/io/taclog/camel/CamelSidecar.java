package io.taclog.camel;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.enrich.pairing.BatchToolPairing;
import io.taclog.enrich.pricing.BatchPricing;
import io.taclog.sink.BatchWriter;
import io.taclog.sink.FactWriters;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;

/**
 * Starts the ingest routes under Camel Main: binds the configured {@code jsonl-tail} component and the
 * route steps into the registry, hands the taclog configuration to Camel's property placeholders, and
 * loads the YAML routes from where {@code taclog.routes} points.
 */
public final class CamelSidecar {

    private final Main main = new Main();
    private final IngestRuntime runtime;
    private final CommitBatchProcessor commitBatch;

    public CamelSidecar(IngestRuntime runtime) {
        this.runtime = runtime;
        main.setOverrideProperties(camelProperties(runtime));
        main.bind("jsonl-tail", new TailComponent(runtime.registry(), runtime.tailDefaults(), runtime.monitor()));
        main.bind("parseBatch", new ParseBatchProcessor(runtime.parser()));
        bindBatchSteps(runtime);
        commitBatch = new CommitBatchProcessor(runtime.writer());
        main.bind("commitBatch", commitBatch);
        main.bind("outbox", runtime.outbox());
        main.bind("outboxMessage", new OutboxMessageProcessor());
        main.bind("outboxAcknowledge", new OutboxAcknowledgeProcessor(runtime.outbox()));
        main.bind("maintenance", runtime.maintenance());
        main.bind("searchIndexer", runtime.searchIndexer());
        main.bind("rawArchive", runtime.rawArchive());
        main.bind("alertCheck", runtime.alerts());
        runtime.formats().camelBeans().forEach(main::bind);
        // one work-queue route per configured tasks.md, from the YAML template (Camel Main collects route builders)
        main.bind("coordinatorQueueRoutes",
                new WorkQueueRoutes(runtime.config().get(ConfigKeys.COORDINATOR_QUEUE)));
    }

    /** The configuration for the routes' placeholders, with the writer's poll timeout for this mode. */
    static Properties camelProperties(IngestRuntime runtime) {
        Properties p = runtime.config().camelProperties();
        Integer pollTimeout = runtime.config().get(ConfigKeys.WRITER_POLL_TIMEOUT);
        p.setProperty(ConfigKeys.WRITER_POLL_TIMEOUT.name(),
                String.valueOf(pollTimeout != null ? pollTimeout : runtime.backfill() ? 10 : 50));
        return p;
    }

    /** The enrichment steps between parseBatch and the writer's queue (docs/routes.md). */
    private void bindBatchSteps(IngestRuntime runtime) {
        FactWriters writers = runtime.factWriters();
        BatchPricing pricing = new BatchPricing(runtime.formats().prices());
        BatchToolPairing pairing = new BatchToolPairing();
        main.bind("planBatch", new BatchStep("planBatch",
                b -> b.withPlan(writers.plan(BatchWriter.factsOf(b.lines())))));
        main.bind("priceCalls", new BatchStep("priceCalls",
                b -> b.withPrices(pricing.price(BatchWriter.factsToStore(b)))));
        main.bind("pairToolCalls", new BatchStep("pairToolCalls",
                b -> b.withPairs(pairing.pair(BatchWriter.factsToStore(b)))));
    }

    /** Starts the routes and returns (backfill, tests). */
    public void start() {
        startAlerts();
        main.start();
    }

    /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C); Camel then shuts the routes down gracefully. */
    public void runUntilStopped() throws Exception {
        startAlerts();
        main.run();
    }

    /** Alerts stored but not delivered before the last stop go out again (nothing in a backfill). */
    private void startAlerts() {
        try {
            runtime.alerts().start();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the alerts still to deliver: " + e.getMessage(), e);
        }
    }

    public void stop() {
        main.stop();
    }

    /** Reports the duration of every commit of the {@code commitBatch} step (the metrics endpoint). */
    public void timeCommits(LongConsumer nanos) {
        commitBatch.timeCommits(nanos);
    }

    /**
     * True when Camel has started and every route is started (readiness). False while Camel starts, stops, or a
     * route was stopped or failed to start.
     */
    public boolean routesStarted() {
        CamelContext context = main.getCamelContext();
        if (context == null || !context.isStarted() || context.getRoutes().isEmpty()) {
            return false;
        }
        for (Route r : context.getRoutes()) {
            if (!r.isAutoStartup()) {
                continue; // left stopped on purpose (the outbox route while publishing is off)
            }
            ServiceStatus status = context.getRouteController().getRouteStatus(r.getRouteId());
            if (status != ServiceStatus.Started) {
                return false;
            }
        }
        return true;
    }

    public Main main() {
        return main;
    }

    public IngestRuntime runtime() {
        return runtime;
    }
}
