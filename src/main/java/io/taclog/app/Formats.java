package io.taclog.app;

import io.taclog.config.TaclogConfig;
import io.taclog.ingest.SourceKindParser;
import io.taclog.ingest.SourceKinds;
import io.taclog.sink.FactWriter;
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

    public Formats(TaclogConfig config, Clock clock) {
        parsers.add(SourceKindParser.generic(SourceKinds.TRANSCRIPTS));
        parsers.add(SourceKindParser.generic(SourceKinds.COORDINATOR_LOG));
        parsers.add(SourceKindParser.generic(SourceKinds.COORDINATOR_EVENTS));
    }

    public List<SourceKindParser> parsers() {
        return parsers;
    }

    public List<FactWriter<?>> writers() {
        return writers;
    }

    /** Checks of stored content against a fresh parse, run by {@code taclog validate}. */
    public List<io.taclog.validate.ContentCheck> contentChecks() {
        return List.of();
    }

    /** Extra beans the routes refer to (e.g. the work-queue snapshot step), by registry name. */
    public Map<String, Object> camelBeans() {
        return camelBeans;
    }
}
