package io.taclog.ingest;

import io.taclog.source.SourceLine;

/** One input line with what the parser made of it. */
public record ParsedLine(SourceLine line, LineOutcome outcome) {
}
