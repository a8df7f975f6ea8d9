package io.taclog.model;

import java.time.Instant;

/** A transcript stream announced itself (Claude init line, Codex session_meta / thread.started). */
public record StreamStarted(StreamRef stream, Instant at, String timeSource, String model, String cwd,
                            String agentVersion) implements Fact {
}
