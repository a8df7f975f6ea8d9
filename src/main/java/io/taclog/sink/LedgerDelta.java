package io.taclog.sink;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ledger counts one batch adds to one file generation. */
final class LedgerDelta {
    long linesRead;
    long linesWithRows;
    long linesSkipped;
    long linesRejected;
    long fragments;
    long rows;
    final Map<String, Long> skips = new LinkedHashMap<>();

    void skip(String reason) {
        linesSkipped++;
        skips.merge(reason, 1L, Long::sum);
    }
}
