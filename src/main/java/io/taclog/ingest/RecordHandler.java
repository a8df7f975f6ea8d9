package io.taclog.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns JSON records of one format into facts. Formats are told apart by content: the first handler
 * of a source kind that accepts a record handles it.
 */
public interface RecordHandler {

    /** Short name of the format, used in skip reasons and logs. */
    String format();

    /** True when this handler understands the record. Must be cheap and side-effect free. */
    boolean accepts(JsonNode record, ParseContext ctx);

    LineOutcome handle(JsonNode record, ParseContext ctx);
}
