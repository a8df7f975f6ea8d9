package io.taclog.ingest;

/** Handles lines that are not JSON (coordinator prints, stderr text between a worker's JSON lines). */
@FunctionalInterface
public interface TextLineHandler {

    LineOutcome handle(String line, ParseContext ctx);
}
