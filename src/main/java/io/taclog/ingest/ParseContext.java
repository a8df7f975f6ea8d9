package io.taclog.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.source.SourceFile;
import java.time.Instant;

/**
 * What a handler may know about the line it handles: where it came from, when it was read, and the
 * per-file state that handlers keep between lines (persisted with the file's committed offset, so it
 * survives restarts exactly as far as the offset does).
 */
public final class ParseContext {

    private final SourceFile file;
    private final Instant observedAt;
    private final boolean backfill;
    private final ObjectNode state;
    private long lineOffset;

    public ParseContext(SourceFile file, Instant observedAt, boolean backfill, ObjectNode state) {
        this.file = file;
        this.observedAt = observedAt;
        this.backfill = backfill;
        this.state = state;
    }

    public SourceFile file() {
        return file;
    }

    public String path() {
        return file.path();
    }

    public String kind() {
        return file.kind();
    }

    /** Time the line was read: the timestamp of last resort for formats that carry none. */
    public Instant observedAt() {
        return observedAt;
    }

    /** True in a one-shot backfill of historical files (observed time then says little about event time). */
    public boolean backfill() {
        return backfill;
    }

    /** Mutable per-file state; keep it small, it is rewritten with every committed batch. */
    public ObjectNode state() {
        return state;
    }

    public long lineOffset() {
        return lineOffset;
    }

    void lineOffset(long offset) {
        this.lineOffset = offset;
    }
}
