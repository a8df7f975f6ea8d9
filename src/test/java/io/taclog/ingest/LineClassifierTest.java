package io.taclog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.source.LineFlaw;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one line is: a record, a counted skip, a reject, or a record recovered from a torn line. */
class LineClassifierTest {

    private final LineClassifier generic = new LineClassifier(SourceKindParser.generic("transcripts"));

    private static LineOutcome classify(LineClassifier c, String text, LineFlaw flaw) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ParseContext ctx = new ParseContext(new SourceFile(1, "/x.jsonl", "transcripts"), Instant.EPOCH, false,
                BatchParser.parseState(null));
        return c.classify(new SourceLine(1, 0, b.length + 1, b, flaw), ctx);
    }

    private LineOutcome classify(String text) {
        return classify(generic, text, LineFlaw.NONE);
    }

    @Test
    void skipsEmptyAndWhitespaceOnlyLines() {
        for (String blank : List.of("", "   ", "\t", " \t\f ")) {
            assertEquals(new LineOutcome.Skipped(SkipReasons.EMPTY_LINE), classify(blank), "'" + blank + "'");
        }
    }

    @Test
    void skipsAJsonObjectNoHandlerClaimsAsNoHandler() {
        assertEquals(new LineOutcome.Skipped(SkipReasons.NO_HANDLER), classify("{\"type\":\"x\"}"));
        assertEquals(new LineOutcome.Skipped(SkipReasons.NO_HANDLER), classify("  {\"type\":\"x\"}  "));
    }

    @Test
    void rejectsALineOverTheCapWithoutLookingAtIt() {
        LineOutcome o = classify(generic, "{\"type\":", LineFlaw.TOO_LONG);
        assertTrue(((LineOutcome.Rejected) o).error().contains("longer than the line cap"));
    }

    @Test
    void rejectsInvalidUtf8NamingThePosition() {
        byte[] b = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
        ParseContext ctx = new ParseContext(new SourceFile(1, "/x", "transcripts"), Instant.EPOCH, false,
                BatchParser.parseState(null));
        LineOutcome o = generic.classify(new SourceLine(1, 0, b.length, b, LineFlaw.NONE), ctx);
        assertEquals(new LineOutcome.Rejected("invalid UTF-8 at byte 6 of the line"), o);
    }

    @Test
    void recoversAWholeRecordGluedAfterATornOne() {
        String torn = "{\"a\":1,\"b";
        LineOutcome o = classify(torn + "{\"type\":\"x\"}");
        LineOutcome.Recovered r = assertInstanceOf(LineOutcome.Recovered.class, o);
        assertEquals(torn.length(), r.fragmentLength());
        assertEquals(new LineOutcome.Skipped(SkipReasons.NO_HANDLER), r.inner());
    }

    @Test
    void rejectsBrokenJsonThatHoldsNoWholeRecordSayingWhy() {
        assertTrue(((LineOutcome.Rejected) classify("{\"a\":1,")).error().startsWith("invalid JSON"));
        assertTrue(((LineOutcome.Rejected) classify("{\"a\":1} trailing")).error().startsWith("invalid JSON"),
                "trailing garbage after a record is an error, not ignored");
        assertTrue(((LineOutcome.Rejected) classify(generic, "{\"a\":", LineFlaw.CUT_BY_NUL)).error()
                .startsWith("line cut by a run of NUL bytes; invalid JSON"));
        assertTrue(((LineOutcome.Rejected) classify(generic, "{\"a\":", LineFlaw.NO_TERMINATOR)).error()
                .startsWith("unterminated last line; invalid JSON"));
    }

    @Test
    void rejectsJsonThatIsNotAnObjectAndTextWithoutATextHandler() {
        assertEquals(new LineOutcome.Rejected("JSON value is an array, not an object"), classify("[1,2]"));
        assertEquals(new LineOutcome.Rejected("not JSON"), classify("Traceback (most recent call last):"));
    }

    @Test
    void handsTextLinesToTheKindsTextHandler() {
        LineClassifier withText = new LineClassifier(new SourceKindParser("coordinator-log", List.of(),
                (line, ctx) -> LineOutcome.skip("text: " + line)));
        assertEquals(new LineOutcome.Skipped("text: Spawning worker"), classify(withText, "Spawning worker",
                LineFlaw.NONE));
        assertEquals(new LineOutcome.Skipped("text: [not json"), classify(withText, "[not json", LineFlaw.NONE));
    }

    @Test
    void dispatchesToTheFirstHandlerThatAcceptsTheRecord() {
        RecordHandler claimsTypeA = new RecordHandler() {
            @Override
            public String format() {
                return "t";
            }

            @Override
            public boolean accepts(com.fasterxml.jackson.databind.JsonNode r, ParseContext ctx) {
                return "a".equals(r.path("type").asText());
            }

            @Override
            public LineOutcome handle(com.fasterxml.jackson.databind.JsonNode r, ParseContext ctx) {
                return LineOutcome.skip(SkipReasons.ignoredType("t", "a"));
            }
        };
        LineClassifier c = new LineClassifier(new SourceKindParser("transcripts", List.of(claimsTypeA), null));
        assertEquals(new LineOutcome.Skipped("t type a"), classify(c, "{\"type\":\"a\"}", LineFlaw.NONE));
        assertEquals(new LineOutcome.Skipped(SkipReasons.NO_HANDLER), classify(c, "{\"type\":\"b\"}", LineFlaw.NONE));
    }
}
