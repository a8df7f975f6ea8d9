package io.taclog.model.coordinator;

/** Names of the inputs a coordinator row can come from (the {@code source} columns). */
public final class Sources {

    public static final String LOG = "coordinator-log";
    public static final String QUEUE = "work-queue";
    public static final String EVENT = "coordinator-event";
    public static final String API_LOG = "coordinator-api-log";
    public static final String TRANSCRIPT = "transcript";
    public static final String DERIVED = "derived";

    private Sources() {
    }
}
