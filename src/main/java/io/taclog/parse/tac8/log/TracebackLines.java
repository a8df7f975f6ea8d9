package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.StackTraceLine;
import io.taclog.model.coordinator.TracebackJoined;
import io.taclog.parse.tac8.JsonObj;

/**
 * Python tracebacks on the coordinator's stderr (research section 3.5) and their error lines.
 *
 * <p>In logical order the traceback follows its "❌ Error in main loop" line and is appended to that
 * event. With default block buffering the traceback is written at once while the error line waits in
 * stdout's buffer, so the traceback comes first: it becomes an event of its own, queued, and the next
 * error line takes it over (the one whose exception message equals the error's text, else the oldest).
 * A traceback lasts until a line that matches a rule other than a traceback or reaper rule; lines that
 * match nothing inside it are continuation lines of a multi-line exception message.
 */
final class TracebackLines {

    private static final String COMPONENT = "python";

    void handle(LineContext lc) {
        lc.interleaved = true;
        switch (lc.m.target()) {
            case "traceback.start" -> start(lc);
            case "traceback.chain" -> {
                if (!lc.st.tracebackOpen()) {
                    orphan(lc);
                } else {
                    append(lc);
                }
                lc.st.traceback().put("chained", true);
            }
            case "traceback.exception" -> {
                append(lc);
                ObjectNode tb = lc.st.traceback();
                String exc = lc.message();
                tb.put("exc", exc);
                if (tb.path("orphan").asBoolean()) {
                    String key = tb.path("key").asText();
                    lc.add(new CoordinatorEvent(key, lc.session, lc.when, null, null, null, "Python traceback: " + exc,
                            JsonObj.of().put("exception", exc).json(), null, null, null, null, false));
                    lc.st.orphanException(key, exc);
                }
            }
            default -> append(lc); // frames, source lines, carets
        }
    }

    private static void start(LineContext lc) {
        ObjectNode tb = lc.st.traceback();
        if (tb != null && tb.path("chained").asBoolean()) {
            tb.remove("chained"); // the next exception of a chain belongs to the same record
            append(lc);
            return;
        }
        String pending = lc.st.pendingError();
        if (pending != null) {
            lc.st.pendingError(null);
            lc.st.openTraceback(pending, false);
            append(lc);
            return;
        }
        orphan(lc);
    }

    private static void orphan(LineContext lc) {
        lc.add(new CoordinatorEvent(lc.key, lc.session, lc.when, "traceback", "error", COMPONENT,
                "Python traceback (its error line has not been seen yet)",
                JsonObj.of().put("rule", lc.ruleId()).put("note", "written before its error line: stderr is "
                        + "unbuffered, the coordinator's prints are block-buffered").json(), lc.text, null, null,
                Sources.LOG, false));
        lc.st.openTraceback(lc.key, true);
        lc.st.addOrphan(lc.key);
    }

    private static void append(LineContext lc) {
        ObjectNode tb = lc.st.traceback();
        if (tb == null) {
            lc.orphan("traceback");
            return;
        }
        lc.add(new StackTraceLine(tb.path("key").asText(), lc.text));
    }

    /** A line no rule matched: part of an open traceback, else an event of its own (nothing is dropped). */
    void unmatched(LineContext lc) {
        if (lc.st.tracebackOpen()) {
            lc.interleaved = true;
            append(lc);
            return;
        }
        lc.event(lc.key, "unrecognized_line", Severity.ofText(lc.text), "coordinator", lc.message(),
                JsonObj.of().put("reason", "no line rule matched").put("line", lc.text), null, null);
    }

    /** An "Error in main loop" line: takes over a traceback written before it, or waits for the next one. */
    void errorLine(LineContext lc, String message) {
        String orphan = lc.st.takeOrphan(message);
        if (orphan != null) {
            lc.add(new TracebackJoined(lc.key, orphan, "traceback written before its error line (block-buffered "
                    + "stdout); matched by exception message, else the oldest unjoined traceback"));
            lc.patchEvent(lc.key, JsonObj.of().put("traceback_from", orphan).put("traceback_reordered", true));
            return;
        }
        lc.st.pendingError(lc.key);
    }
}
