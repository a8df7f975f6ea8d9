package io.taclog.model;

/** Where a stored time comes from. */
public final class TimeSource {

    /** Written by the producer of the record (transcript timestamp, work-queue time). */
    public static final String RECORDED = "recorded";
    /** The time taclog read the line (formats without timestamps, tail mode). */
    public static final String OBSERVED = "observed";
    /** Reconstructed (backfill of a log without timestamps, anchored on recorded times). */
    public static final String ESTIMATED = "estimated";

    private TimeSource() {
    }
}
