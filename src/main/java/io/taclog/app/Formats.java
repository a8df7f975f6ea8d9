package io.taclog.app;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.enrich.pricing.PriceTables;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SourceKindParser;
import io.taclog.ingest.SourceKinds;
import io.taclog.parse.TranscriptPaths;
import io.taclog.parse.WorkerTextHandler;
import io.taclog.parse.claude.ClaudeSessionHandler;
import io.taclog.parse.claude.ClaudeStreamJsonHandler;
import io.taclog.parse.codex.CodexExecHandler;
import io.taclog.parse.codex.CodexRolloutHandler;
import io.taclog.sink.FactWriter;
import io.taclog.sink.transcript.ApiCallWriter;
import io.taclog.sink.transcript.CodexReviewWriter;
import io.taclog.sink.transcript.ConversationWriter;
import io.taclog.sink.transcript.PullRequestWriter;
import io.taclog.sink.transcript.StreamStartedWriter;
import io.taclog.sink.transcript.WorkerOutputWriter;
import io.taclog.sink.transcript.WorkerResultWriter;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.validate.ContentCheck;
import io.taclog.validate.CodexReviewCheck;
import io.taclog.validate.WorkerTotalsCheck;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of input formats: which handlers each source kind has, and the writers of the facts
 * they produce. Adding a format means adding its handlers and writers here.
 */
public final class Formats {

    private final List<SourceKindParser> parsers = new ArrayList<>();
    private final List<FactWriter<?>> writers = new ArrayList<>();
    private final Map<String, Object> camelBeans = new LinkedHashMap<>();
    private final PriceTable prices;
    private final WorkerLinker linker = new WorkerLinker();
    private final ConversationWriter conversationWriter = new ConversationWriter(linker);
    private final CoordinatorFormats coordinator;

    public Formats(TaclogConfig config, Clock clock) {
        this.prices = PriceTables.load(config.get(ConfigKeys.PRICES_FILE));
        TranscriptPaths paths = new TranscriptPaths(config.get(ConfigKeys.WORKER_ID_PATTERN),
                config.get(ConfigKeys.TASK_PATTERN));
        boolean keepImages = config.get(ConfigKeys.KEEP_IMAGES);
        // --- coordinator outputs (TAC-8 log, JSONL events, api-calls log): see CoordinatorFormats
        this.coordinator = new CoordinatorFormats(config, linker, prices);
        List<RecordHandler> transcripts = new ArrayList<>(coordinator.transcriptHandlers());
        transcripts.addAll(List.of(
                new ClaudeStreamJsonHandler(paths, keepImages),
                new ClaudeSessionHandler(paths, keepImages),
                new CodexRolloutHandler(paths),
                new CodexExecHandler(paths)));
        parsers.add(new SourceKindParser(SourceKinds.TRANSCRIPTS, transcripts, new WorkerTextHandler(paths)));
        parsers.add(coordinator.logParser());
        parsers.add(coordinator.eventsParser());

        writers.add(new StreamStartedWriter(linker));
        writers.add(conversationWriter);
        writers.add(new ApiCallWriter(linker, prices));
        writers.add(new CodexReviewWriter(linker));
        writers.add(new WorkerResultWriter(linker));
        writers.add(new WorkerOutputWriter(linker));
        writers.add(new PullRequestWriter(linker));
        writers.addAll(coordinator.writers());
    }

    public List<SourceKindParser> parsers() {
        return parsers;
    }

    public List<FactWriter<?>> writers() {
        return writers;
    }

    public PriceTable prices() {
        return prices;
    }

    /** Stores conversation blocks; also replays the split layout's spool when its file is back. */
    public ConversationWriter conversationWriter() {
        return conversationWriter;
    }

    public WorkerLinker linker() {
        return linker;
    }

    /** Checks of stored content against a fresh parse, run by {@code taclog validate}. */
    public List<ContentCheck> contentChecks() {
        return List.of(new WorkerTotalsCheck(), new CodexReviewCheck());
    }

    /**
     * Wires what needs the open database (the work-queue step, the stall check, the backfill finisher);
     * called once by {@link IngestRuntime}.
     */
    public void attach(TaclogConfig config, io.taclog.sink.Database db, io.taclog.ingest.IngestMonitor monitor,
                       Clock clock, boolean backfill) {
        coordinator.attach(config, db, new io.taclog.sink.FactWriters(writers), monitor, clock, backfill, camelBeans);
    }

    /** What a backfill does after every source is read (coordinator time estimates, derived facts). */
    public String finishBackfill() throws java.sql.SQLException {
        return coordinator.finisher() == null ? "" : coordinator.finisher().finish().toString();
    }

    /** Extra beans the routes refer to (e.g. the work-queue snapshot step), by registry name. */
    public Map<String, Object> camelBeans() {
        return camelBeans;
    }
}
