package io.taclog.testing.coordinator;

import io.taclog.app.Formats;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.BatchParser;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.ParsedLine;
import io.taclog.ingest.SourceKinds;
import io.taclog.model.Fact;
import io.taclog.source.FileRange;
import io.taclog.source.LineFlaw;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses coordinator.log lines with the real parsers and no database: the facts each line yields, and
 * the per-file state after them (for tests of the line mapping alone).
 */
public final class LogLines {

    public static final Instant AT = Instant.parse("2025-11-05T17:00:00Z");

    private LogLines() {
    }

    /** One parse of all lines as one batch of one file (id 7), from an empty state. */
    public static List<ParsedLine> parse(String... lines) {
        return parse(Map.of(), false, lines);
    }

    public static List<ParsedLine> parse(Map<String, String> settings, boolean backfill, String... lines) {
        TaclogConfig config = TaclogConfig.load(Optional.empty(), settings);
        BatchParser parser = new BatchParser(new Formats(config, Clock.systemUTC()).parsers(), backfill);
        List<SourceLine> src = new ArrayList<>();
        long offset = 0;
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            src.add(new SourceLine(7, offset, b.length + 1, b, LineFlaw.NONE));
            offset += b.length + 1;
        }
        SourceFile file = new SourceFile(7, "/var/log/orbit/coordinator.log", SourceKinds.COORDINATOR_LOG);
        TailBatch batch = new TailBatch(src, List.of(new FileRange(7, 0, offset, src.size(), 0, 0, null, 0)),
                Map.of(7L, file), new java.util.HashMap<>(), AT);
        ParsedBatch parsed = parser.parse(batch);
        return parsed.lines();
    }

    /** The facts of one parsed line (empty for skips and rejects). */
    public static List<Fact> facts(ParsedLine line) {
        LineOutcome o = line.outcome();
        return o instanceof LineOutcome.Rows r ? r.facts() : List.of();
    }

    /** The facts of the last line, after the earlier lines set up its context. */
    public static List<Fact> lastFacts(String... lines) {
        List<ParsedLine> parsed = parse(lines);
        return facts(parsed.get(parsed.size() - 1));
    }

    /** Facts of a given type among a list. */
    public static <T extends Fact> List<T> of(Class<T> type, List<Fact> facts) {
        return facts.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
