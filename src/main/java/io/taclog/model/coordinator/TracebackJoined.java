package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A traceback that block buffering wrote before its error line ("Error in main loop") is joined to
 * that error: the error event takes the stack trace and the traceback's own event goes away.
 */
public record TracebackJoined(String errorKey, String tracebackKey, String reason) implements Fact {
}
