package io.taclog.parse.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.ingest.BatchParser;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.model.ConversationBlock;
import io.taclog.parse.TranscriptPaths;
import io.taclog.source.SourceFile;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Natural keys of rollout lines never depend on when a line is read: a re-read must find its row again. */
class CodexRolloutKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CodexRolloutHandler handler =
            new CodexRolloutHandler(new TranscriptPaths(Optional.empty(), Optional.empty()));

    private String keyOf(String line, Instant readAt) throws Exception {
        ParseContext ctx = new ParseContext(new SourceFile(1, "/s/rollout-x.jsonl", "transcripts"), readAt, false,
                BatchParser.parseState(null));
        LineOutcome o = handler.handle(JSON.readTree(line), ctx);
        return ((ConversationBlock) ((LineOutcome.Rows) o).facts().get(0)).dedupKey();
    }

    @Test
    void aMessageWithAnUnreadableTimestampKeepsItsKeyWhenReadAgainLater() throws Exception {
        String damaged = "{\"timestamp\":\"not a time\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]}}";
        assertEquals(keyOf(damaged, Instant.parse("2026-01-01T00:00:00Z")),
                keyOf(damaged, Instant.parse("2026-06-01T12:00:00Z")));
        String recorded = damaged.replace("not a time", "2026-01-05T10:00:00.000Z");
        assertEquals(keyOf(recorded, Instant.parse("2026-01-01T00:00:00Z")),
                keyOf(recorded, Instant.parse("2026-06-01T12:00:00Z")));
    }
}
