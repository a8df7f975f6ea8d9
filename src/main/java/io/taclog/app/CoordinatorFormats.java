package io.taclog.app;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SourceKindParser;
import io.taclog.ingest.SourceKinds;
import io.taclog.parse.PathMap;
import io.taclog.parse.tac8.CoordinatorConfigs;
import io.taclog.parse.tac8.log.CoordinatorLogHandler;
import io.taclog.parse.tac8.rules.LineRules;
import io.taclog.ingest.IngestMonitor;
import io.taclog.parse.tac8.LocalTimes;
import io.taclog.sink.Database;
import io.taclog.sink.FactWriter;
import io.taclog.sink.FactWriters;
import io.taclog.parse.events.CoordinatorEventHandler;
import io.taclog.parse.tac8.ApiCallsLogHandler;
import io.taclog.sink.coordinator.ApiCallLogWriter;
import io.taclog.sink.coordinator.BackfillFinisher;
import io.taclog.sink.coordinator.StallCheck;
import io.taclog.sink.coordinator.WorkQueueIngest;
import java.time.Clock;
import java.util.Map;
import io.taclog.sink.coordinator.CoordinatorEventWriter;
import io.taclog.sink.coordinator.DecisionWriter;
import io.taclog.sink.coordinator.DerivedRules;
import io.taclog.sink.coordinator.SessionEndedWriter;
import io.taclog.sink.coordinator.SessionStartedWriter;
import io.taclog.sink.coordinator.SessionUpdatedWriter;
import io.taclog.sink.coordinator.StackTraceLineWriter;
import io.taclog.sink.coordinator.TaskObservedWriter;
import io.taclog.sink.coordinator.TaskStatusWriter;
import io.taclog.sink.coordinator.TracebackJoinedWriter;
import io.taclog.sink.coordinator.TriggerWriter;
import io.taclog.sink.coordinator.WorkerSpawnWriter;
import io.taclog.sink.coordinator.WorkerStatusWriter;
import io.taclog.sink.coordinator.WorktreeOperationWriter;
import io.taclog.sink.workers.WorkerLinker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The coordinator part of the format catalogue: the TAC-8 log rules and handler, the JSONL event
 * contract, the api-calls log, the writers of coordinator facts and the derived-fact rules.
 */
final class CoordinatorFormats {

    private final Supplier<LineRules> rules;
    private final CoordinatorConfigs configs;
    private final DerivedRules derived;
    private final List<FactWriter<?>> writers = new ArrayList<>();
    private BackfillFinisher finisher;
    private final LocalTimes times;
    private final Map<String, String> fieldMap;

    CoordinatorFormats(TaclogConfig config, WorkerLinker linker, PriceTable prices) {
        Optional<Path> rulesFile = config.get(ConfigKeys.COORDINATOR_RULES);
        this.rules = memoize(() -> LineRules.load(rulesFile));
        if (rulesFile.isPresent() || !config.get(ConfigKeys.COORDINATOR_LOG).isEmpty()) {
            rules.get(); // a bad rules file fails at start; without a coordinator log the rules wait for first use
        }
        this.configs = new CoordinatorConfigs(config.get(ConfigKeys.COORDINATOR_CONFIG));
        this.derived = new DerivedRules(config.get(ConfigKeys.SPAWN_LOOP_COUNT),
                Duration.ofMinutes(config.get(ConfigKeys.SPAWN_LOOP_WINDOW)),
                Duration.ofMinutes(config.get(ConfigKeys.STALL_MINUTES)));
        this.times = new LocalTimes(config.get(ConfigKeys.TIMEZONE));
        this.fieldMap = config.get(ConfigKeys.EVENTS_FIELD_MAP);
        WorkerStatusWriter statuses = new WorkerStatusWriter();
        writers.add(new SessionStartedWriter());
        writers.add(new SessionUpdatedWriter());
        writers.add(new SessionEndedWriter());
        writers.add(new CoordinatorEventWriter());
        writers.add(new StackTraceLineWriter());
        writers.add(new TracebackJoinedWriter());
        writers.add(new TriggerWriter());
        writers.add(new DecisionWriter());
        writers.add(new TaskObservedWriter());
        writers.add(new TaskStatusWriter());
        writers.add(new WorkerSpawnWriter(linker, derived, statuses,
                new PathMap(config.get(ConfigKeys.COORDINATOR_PATH_MAP))));
        writers.add(statuses);
        writers.add(new WorktreeOperationWriter());
        writers.add(new ApiCallLogWriter(linker, prices));
    }

    /**
     * Creates what needs the database: the work-queue step and the stall check the routes call, and the
     * backfill finisher.
     */
    void attach(TaclogConfig config, Database db, FactWriters allWriters, IngestMonitor monitor, Clock clock,
                boolean backfill, Map<String, Object> camelBeans) {
        // the tailed sources the queue waits for: each must have started and caught up, whichever route polls first
        java.util.Set<String> otherSources = new java.util.TreeSet<>();
        if (!config.get(ConfigKeys.WATCH).isEmpty()) {
            otherSources.add(SourceKinds.TRANSCRIPTS);
        }
        if (!config.get(ConfigKeys.COORDINATOR_LOG).isEmpty()) {
            otherSources.add(SourceKinds.COORDINATOR_LOG);
        }
        if (!config.get(ConfigKeys.COORDINATOR_EVENTS).isEmpty()) {
            otherSources.add(SourceKinds.COORDINATOR_EVENTS);
        }
        java.util.Set<String> coordinatorOutputs = new java.util.TreeSet<>(otherSources);
        coordinatorOutputs.remove(SourceKinds.TRANSCRIPTS);
        if (backfill && otherSources.contains(SourceKinds.TRANSCRIPTS)) {
            // facts of one worker come from both (spawn and reaper lines, the transcript's lines and result) and the
            // writers keep the first end status: read the coordinator's outputs first, so that a backfill gives
            // the same answer whichever route the scheduler runs first (seen: 1 run in 12 under load differed)
            monitor.readAfter(SourceKinds.TRANSCRIPTS, coordinatorOutputs);
        }
        camelBeans.put("workQueue", new WorkQueueStep(new WorkQueueIngest(db, allWriters, times, clock), monitor,
                config.get(ConfigKeys.COORDINATOR_QUEUE), otherSources, backfill));
        camelBeans.put("stallCheck", new StallCheck(db, derived, clock, !backfill));
        this.finisher = new BackfillFinisher(db, derived, clock);
    }

    BackfillFinisher finisher() {
        return finisher;
    }

    SourceKindParser logParser() {
        return new SourceKindParser(SourceKinds.COORDINATOR_LOG, List.of(),
                new CoordinatorLogHandler(rules, configs));
    }

    /** Handlers for records in the transcripts directories that the coordinator wrote (its API-call log). */
    List<RecordHandler> transcriptHandlers() {
        return List.of(new ApiCallsLogHandler(times));
    }

    SourceKindParser eventsParser() {
        return new SourceKindParser(SourceKinds.COORDINATOR_EVENTS,
                List.of(new CoordinatorEventHandler(fieldMap, times)), null);
    }

    List<FactWriter<?>> writers() {
        return writers;
    }

    DerivedRules derived() {
        return derived;
    }

    LineRules rules() {
        return rules.get();
    }

    /** Computes once, on first use (reading the bundled rules costs a tenth of a second of every start). */
    private static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }
}
