package io.taclog.ingest;

/** The kinds of tailed sources; each has its own set of handlers. */
public final class SourceKinds {

    /** Worker transcripts: Claude Code stream-json and session files, Codex rollouts and exec JSON. */
    public static final String TRANSCRIPTS = "transcripts";
    /** The coordinator's own text log (TAC-8 coordinator.log). */
    public static final String COORDINATOR_LOG = "coordinator-log";
    /** Structured coordinator events (JSONL event contract). */
    public static final String COORDINATOR_EVENTS = "coordinator-events";

    private SourceKinds() {
    }
}
