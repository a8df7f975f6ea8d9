package io.taclog.ingest;

import io.taclog.source.TailBatch;
import java.util.List;
import java.util.Map;

/**
 * A tail batch after parsing: every line with its outcome, and each file's parser state at the end of
 * its range (committed together with the range's offset).
 */
public record ParsedBatch(TailBatch source, List<ParsedLine> lines, Map<Long, String> endStates) {
}
