package io.taclog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import io.taclog.source.LineFlaw;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import org.junit.jupiter.api.Test;

/** A JSON string with half a surrogate pair cannot be stored as written: the line is quarantined. */
class LoneSurrogatesTest {

    private final LineClassifier generic = new LineClassifier(SourceKindParser.generic("transcripts"));

    private LineOutcome classify(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ParseContext ctx = new ParseContext(new SourceFile(1, "/x.jsonl", "transcripts"), Instant.EPOCH, false,
                BatchParser.parseState(null));
        return generic.classify(new SourceLine(1, 0, b.length + 1, b, LineFlaw.NONE), ctx);
    }

    @Test
    void aLoneHighOrLowSurrogateInAValueOrAKeyIsRejected() {
        for (String line : new String[] {"{\"type\":\"a\\ud800b\"}", "{\"type\":\"a\\udc00\"}",
            "{\"t\\udbffx\":1}", "{\"a\":[{\"b\":\"\\ud83d\"}]}"}) {
            LineOutcome o = classify(line);
            assertInstanceOf(LineOutcome.Rejected.class, o, line);
            assertTrue(((LineOutcome.Rejected) o).error().contains("lone UTF-16 surrogate"), line);
        }
    }

    @Test
    void aWholePairIsText() {
        // an emoji written the way Python's json.dumps escapes it by default
        assertEquals(new LineOutcome.Skipped(SkipReasons.NO_HANDLER), classify("{\"type\":\"\\ud83d\\ude80\"}"));
    }

    @Test
    void theRawScanFindsAnEscapeAtEveryAlignmentAndNothingElse() {
        for (int pad = 0; pad < 20; pad++) {
            String lead = "x".repeat(pad);
            for (String esc : new String[] {"\\ud800", "\\uDBFF", "\\udc0a", "\\uDFFF"}) {
                assertTrue(LoneSurrogates.mayBeEscapedIn((lead + esc + "\"").getBytes(StandardCharsets.UTF_8)),
                        lead + esc);
                assertTrue(LoneSurrogates.mayBeEscapedIn((lead + esc).getBytes(StandardCharsets.UTF_8)), lead + esc);
            }
            for (String no : new String[] {"\\u0041", "\\ud7ff", "\\ue000", "\\ud", "\\\\\\", "ud800",
                "\\u\\ud"}) {
                assertEquals(false, LoneSurrogates.mayBeEscapedIn((lead + no).getBytes(StandardCharsets.UTF_8)),
                        lead + no);
            }
        }
    }
}
