package io.taclog.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.taclog.source.LineFlaw;
import io.taclog.source.SourceLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decides what one line is (JSON object, text, or garbage) and hands it to the handlers of its kind.
 *
 * <p>Order of checks: over-long lines and invalid UTF-8 are rejected; blank lines skipped; a line
 * that starts with '{' must be one whole JSON object, otherwise a whole record glued after a torn one
 * is recovered if possible; other lines go to the kind's text handler, or are rejected as not JSON.
 */
public final class LineClassifier {

    /** Shared, thread-safe mapper; trailing garbage after a JSON value is an error, not ignored. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final int MAX_RECOVERY_ATTEMPTS = 8;

    private final SourceKindParser parser;

    public LineClassifier(SourceKindParser parser) {
        this.parser = parser;
    }

    public LineOutcome classify(SourceLine line, ParseContext ctx) {
        if (line.flaw() == LineFlaw.TOO_LONG) {
            return LineOutcome.reject("line of " + line.length() + " bytes is longer than the line cap");
        }
        byte[] b = line.content();
        int first = firstNonBlank(b);
        if (first < 0) {
            return LineOutcome.skip(SkipReasons.EMPTY_LINE);
        }
        int bad = Utf8.firstInvalid(b);
        if (bad >= 0) {
            return LineOutcome.reject("invalid UTF-8 at byte " + bad + " of the line");
        }
        if (b[first] == '{') {
            JsonNode node;
            try {
                node = JSON.readTree(b);
            } catch (IOException e) {
                LineOutcome recovered = recover(b, first, ctx);
                if (recovered != null) {
                    return recovered;
                }
                String prefix = line.flaw() == LineFlaw.CUT_BY_NUL ? "line cut by a run of NUL bytes; "
                        : line.flaw() == LineFlaw.NO_TERMINATOR ? "unterminated last line; " : "";
                return LineOutcome.reject(prefix + "invalid JSON: " + shortMessage(e));
            }
            if (LoneSurrogates.mayBeEscapedIn(b) && LoneSurrogates.in(node)) {
                // stored as text, such a string would silently turn into another ('?'), ids and keys with it
                return LineOutcome.reject("a JSON string holds a lone UTF-16 surrogate (\\ud800-\\udfff without "
                        + "its pair): not text that can be stored as it was written");
            }
            return dispatch(node, ctx);
        }
        if (b[first] == '[') {
            try {
                JSON.readTree(b);
                return LineOutcome.reject("JSON value is an array, not an object");
            } catch (IOException e) {
                // not JSON at all: fall through to the text handler
            }
        }
        if (parser.textHandler() != null) {
            try {
                return parser.textHandler().handle(new String(b, StandardCharsets.UTF_8), ctx);
            } catch (RuntimeException e) {
                return handlerFailed("text", e);
            }
        }
        return LineOutcome.reject("not JSON");
    }

    /** Dispatches a parsed JSON object to the first handler that accepts it. */
    public LineOutcome dispatch(JsonNode node, ParseContext ctx) {
        if (!node.isObject()) {
            return LineOutcome.reject("JSON value is not an object");
        }
        for (RecordHandler h : parser.recordHandlers()) {
            try {
                if (h.accepts(node, ctx)) {
                    return h.handle(node, ctx);
                }
            } catch (RuntimeException e) {
                return handlerFailed(h.format(), e);
            }
        }
        return LineOutcome.skip(SkipReasons.NO_HANDLER);
    }

    /**
     * A handler that throws on a line it did not foresee (a value of the wrong type, a number out of range) costs
     * that line, never the batch: the line is quarantined with the error, and the rest of the file goes on. The
     * handlers are written not to throw; this is the net under them (found by the damaged-lines test).
     */
    private static LineOutcome handlerFailed(String format, RuntimeException e) {
        String m = e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ');
        return LineOutcome.reject("the " + format + " handler failed on this line: " + e.getClass().getSimpleName()
                + (m.length() > 200 ? m.substring(0, 200) + "..." : m));
    }

    /**
     * A torn record followed by a whole one on the same line ({"type":"pr-link",..."prNu{"parentUuid"...):
     * find the latest start of an object from which the rest parses as one whole object.
     */
    private LineOutcome recover(byte[] b, int first, ParseContext ctx) {
        int attempts = 0;
        for (int i = first + 1; i < b.length - 1 && attempts < MAX_RECOVERY_ATTEMPTS; i++) {
            if (b[i] != '{' || b[i + 1] != '"') {
                continue;
            }
            attempts++;
            try {
                JsonNode node = JSON.readTree(b, i, b.length - i);
                if (node != null && node.isObject()) {
                    return new LineOutcome.Recovered(dispatch(node, ctx), i,
                            "torn record before a whole one on the same line");
                }
            } catch (IOException e) {
                // try the next candidate
            }
        }
        return null;
    }

    private static int firstNonBlank(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\f') {
                return i;
            }
        }
        return -1;
    }

    static String shortMessage(IOException e) {
        String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        m = m.replace('\n', ' ');
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
