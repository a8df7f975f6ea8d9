package io.taclog.query;

/** What {@code query cost} groups by. */
public enum CostGrouping {
    NONE, DAY, WEEK, MONTH, MODEL, TASK, WORKER, SESSION;

    boolean timeBucketed() {
        return this == DAY || this == WEEK || this == MONTH;
    }
}
