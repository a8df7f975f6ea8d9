package io.taclog.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a whole tail batch: each file's lines in order, starting from the parser state its last
 * commit left, so that parsing is a pure function of (bytes, start state).
 */
public final class BatchParser {

    private final Map<String, LineClassifier> byKind = new HashMap<>();
    private final boolean backfill;

    public BatchParser(List<SourceKindParser> parsers, boolean backfill) {
        for (SourceKindParser p : parsers) {
            byKind.put(p.kind(), new LineClassifier(p));
        }
        this.backfill = backfill;
    }

    public ParsedBatch parse(TailBatch batch) {
        Map<Long, ParseContext> contexts = new HashMap<>();
        List<ParsedLine> out = new ArrayList<>(batch.lines().size());
        for (SourceLine line : batch.lines()) {
            ParseContext ctx = contexts.computeIfAbsent(line.fileId(), id -> context(batch, id));
            ctx.lineOffset(line.offset());
            LineOutcome outcome = classifier(ctx.kind()).classify(line, ctx);
            out.add(new ParsedLine(keepsBytes(outcome) ? line : line.headOnly(), outcome));
        }
        batch.releaseLines();
        Map<Long, String> endStates = new HashMap<>();
        for (var range : batch.ranges()) {
            ParseContext ctx = contexts.get(range.fileId());
            endStates.put(range.fileId(), ctx == null ? batch.startStates().get(range.fileId()) : serialize(ctx));
        }
        return new ParsedBatch(batch, out, endStates);
    }

    /**
     * A rejected line (or recovered fragment) keeps all its bytes; any other keeps its head only, all a
     * quarantine record would show should its rows fail to store.
     */
    private static boolean keepsBytes(LineOutcome outcome) {
        return outcome instanceof LineOutcome.Rejected || outcome instanceof LineOutcome.Recovered;
    }

    /** The classifier for a kind; kinds without parsers fall back to the generic path. */
    public LineClassifier classifier(String kind) {
        return byKind.computeIfAbsent(kind, k -> new LineClassifier(SourceKindParser.generic(k)));
    }

    private ParseContext context(TailBatch batch, long fileId) {
        SourceFile file = batch.files().get(fileId);
        return new ParseContext(file, batch.observedAt(), backfill, parseState(batch.startStates().get(fileId)));
    }

    /** Parser state from its stored JSON form ({@code null} or blank = empty). */
    public static ObjectNode parseState(String json) {
        if (json == null || json.isBlank()) {
            return LineClassifier.JSON.createObjectNode();
        }
        try {
            JsonNode n = LineClassifier.JSON.readTree(json);
            return n instanceof ObjectNode o ? o : LineClassifier.JSON.createObjectNode();
        } catch (IOException e) {
            throw new UncheckedIOException("stored parser state is not JSON", e);
        }
    }

    private static String serialize(ParseContext ctx) {
        if (ctx.state().isEmpty()) {
            return null;
        }
        try {
            // the shared mapper recycles its buffers; JsonNode.toString() made a serializer and new buffers each
            // time (a twentieth of a backfill's allocation, for states of about 60 bytes)
            return LineClassifier.JSON.writeValueAsString(ctx.state());
        } catch (IOException e) {
            throw new UncheckedIOException("parser state cannot be written as JSON", e);
        }
    }
}
