package io.taclog.ingest;

import java.util.List;

/**
 * The handlers of one source kind: JSON record handlers tried in order, and an optional handler for
 * non-JSON lines (without one, such lines are rejected as "not JSON").
 */
public record SourceKindParser(String kind, List<RecordHandler> recordHandlers, TextLineHandler textHandler) {

    public SourceKindParser {
        recordHandlers = List.copyOf(recordHandlers);
    }

    /** A kind with no handlers yet: every JSON object is skipped as "no handler". */
    public static SourceKindParser generic(String kind) {
        return new SourceKindParser(kind, List.of(), null);
    }
}
