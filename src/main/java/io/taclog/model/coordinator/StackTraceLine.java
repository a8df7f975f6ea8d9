package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/** One more line of a Python traceback, appended to the stack trace of the event with that key. */
public record StackTraceLine(String eventKey, String line) implements Fact {
}
