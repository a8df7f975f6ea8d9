package io.taclog.parse;

import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.TextLineHandler;
import io.taclog.model.StreamRef;
import io.taclog.model.WorkerOutputLine;
import io.taclog.parse.claude.ClaudeStreamJsonHandler;
import java.util.regex.Pattern;

/**
 * Plain text between a worker's JSON lines: TAC-8 sends the worker's stderr to the same file, and its
 * TAC-X runner prints text there. Each line becomes an output (or error) event of the stream that was
 * current in the file, never a reject.
 */
public final class WorkerTextHandler implements TextLineHandler {

    private static final Pattern ERROR = Pattern.compile(
            "(?i)\\b(error|fatal|traceback|exception|failed|panic)\\b|❌|✗");

    private final TranscriptPaths paths;

    public WorkerTextHandler(TranscriptPaths paths) {
        this.paths = paths;
    }

    @Override
    public LineOutcome handle(String line, ParseContext ctx) {
        String sid = ctx.state().path(ClaudeStreamJsonHandler.LAST_SESSION).asText(null);
        StreamRef ref = paths.streamRef(sid, "claude-code", ctx.path());
        String text = line.strip();
        return LineOutcome.rows(new WorkerOutputLine(ref, ctx.observedAt(), text, ERROR.matcher(text).find()));
    }
}
