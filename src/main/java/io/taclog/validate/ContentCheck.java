package io.taclog.validate;

import io.taclog.ingest.ParsedLine;
import io.taclog.source.SourceFile;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A check of stored content against a fresh parse of the raw files (e.g. per-worker message counts
 * and token sums). The validator feeds it every re-parsed committed line, then asks for differences.
 */
public interface ContentCheck {

    String name();

    void accept(SourceFile file, ParsedLine line);

    /** Differences between what the raw files say and what the database holds; empty when equal. */
    List<String> compare(Connection readOnly) throws SQLException;

    /** How lines were accounted that a reader might otherwise take for a loss (after {@link #compare}). */
    default List<String> notes() {
        return List.of();
    }

    /** The facts a re-parsed line gave (a recovered line's too); none for a skip or a reject. */
    static List<io.taclog.model.Fact> factsOf(ParsedLine line) {
        io.taclog.ingest.LineOutcome o = line.outcome();
        if (o instanceof io.taclog.ingest.LineOutcome.Recovered r) {
            o = r.inner();
        }
        return o instanceof io.taclog.ingest.LineOutcome.Rows rows ? rows.facts() : List.of();
    }
}
