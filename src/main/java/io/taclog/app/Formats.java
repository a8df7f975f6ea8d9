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
import io.taclog.sink.transcript.ConversationWriter;
import io.taclog.sink.transcript.PullRequestWriter;
import io.taclog.sink.transcript.StreamStartedWriter;
import io.taclog.sink.transcript.WorkerOutputWriter;
import io.taclog.sink.transcript.WorkerResultWriter;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.validate.ContentCheck;
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

    public Formats(TaclogConfig config, Clock clock) {
        this.prices = PriceTables.load(config.get(ConfigKeys.PRICES_FILE));
        TranscriptPaths paths = new TranscriptPaths(config.get(ConfigKeys.WORKER_ID_PATTERN),
                config.get(ConfigKeys.TASK_PATTERN));
        boolean keepImages = config.get(ConfigKeys.KEEP_IMAGES);
        List<RecordHandler> transcripts = List.of(
                new ClaudeStreamJsonHandler(paths, keepImages),
                new ClaudeSessionHandler(paths, keepImages),
                new CodexRolloutHandler(paths),
                new CodexExecHandler(paths));
        parsers.add(new SourceKindParser(SourceKinds.TRANSCRIPTS, transcripts, new WorkerTextHandler(paths)));
        parsers.add(SourceKindParser.generic(SourceKinds.COORDINATOR_LOG));
        parsers.add(SourceKindParser.generic(SourceKinds.COORDINATOR_EVENTS));

        writers.add(new StreamStartedWriter(linker));
        writers.add(new ConversationWriter(linker));
        writers.add(new ApiCallWriter(linker, prices));
        writers.add(new WorkerResultWriter(linker));
        writers.add(new WorkerOutputWriter(linker));
        writers.add(new PullRequestWriter(linker));
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

    public WorkerLinker linker() {
        return linker;
    }

    /** Checks of stored content against a fresh parse, run by {@code taclog validate}. */
    public List<ContentCheck> contentChecks() {
        return List.of(new WorkerTotalsCheck());
    }

    /** Extra beans the routes refer to (e.g. the work-queue snapshot step), by registry name. */
    public Map<String, Object> camelBeans() {
        return camelBeans;
    }
}
