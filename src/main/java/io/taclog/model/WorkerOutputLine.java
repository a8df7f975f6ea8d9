package io.taclog.model;

import java.time.Instant;

/**
 * A plain-text line in a worker's log (its stderr: CLI errors, warnings, runner prints), attributed to
 * the stream that was current in the file.
 */
public record WorkerOutputLine(StreamRef stream, Instant at, String text, boolean error) implements Fact {
}
