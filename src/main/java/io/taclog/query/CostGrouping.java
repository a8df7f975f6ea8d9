package io.taclog.query;

/** What {@code query cost} groups by. */
public enum CostGrouping {
    NONE, DAY, WEEK, MONTH, MODEL, TASK, WORKER, SESSION,
    /** The sidecar's host id of the files the calls were read from (PostgreSQL only). */
    HOST;

    boolean timeBucketed() {
        return this == DAY || this == WEEK || this == MONTH;
    }
}
