package io.taclog.archive;

import io.taclog.archive.ArchivedTable.Union;
import io.taclog.search.SearchIndex;
import io.taclog.sink.ApiCallCosts;
import io.taclog.sink.ApiCallHours;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which tables a monthly archive takes rows of, and which stay whole in the database. A fixed list: SQL never takes
 * a table name from a file it reads. A test checks that every table of the schema is in exactly one of the lists,
 * so a table added by a later migration must be placed here.
 */
public final class ArchivedTables {

    /** The tables whose rows are archived, in schema order. */
    public static final List<ArchivedTable> ALL = List.of(
            new ArchivedTable("coordinator_sessions", List.of("session_id"), Union.FRESHEST_BY_KEY),
            new ArchivedTable("action_triggers", List.of("trigger_id"), Union.ALL),
            new ArchivedTable("logic_flow", List.of("flow_id"), Union.ALL),
            new ArchivedTable("tasks", List.of("task_id"), Union.FRESHEST_BY_KEY),
            new ArchivedTable("worker_sessions", List.of("worker_id"), Union.FRESHEST_BY_KEY),
            new ArchivedTable("conversations", List.of("conversation_id"), Union.ALL),
            new ArchivedTable("api_calls", List.of("call_id"), Union.ALL),
            new ArchivedTable("worktree_operations", List.of("operation_id"), Union.ALL),
            new ArchivedTable("system_events", List.of("event_id"), Union.ALL),
            new ArchivedTable("agent_sessions", List.of("agent_session_id"), Union.FRESHEST_BY_KEY),
            new ArchivedTable("worker_model_usage", List.of("worker_id", "model"), Union.WITH_WORKER),
            new ArchivedTable("task_status_history", List.of("history_id"), Union.ALL),
            new ArchivedTable("work_queue_snapshots", List.of("snapshot_id"), Union.ALL),
            new ArchivedTable("derived_episodes", List.of("episode_id"), Union.ALL),
            new ArchivedTable("derived_episode_members", List.of("episode_id", "member_id"), Union.ALL),
            // keyed by the line read since schema v17 (an archive written before reads source_line as NULL)
            new ArchivedTable("codex_reviews", List.of("side", "agent_session_id", "source_line"), Union.ALL));

    /**
     * Tables that never move. The ingest bookkeeping is the ledger of every line ever read: its offsets keep the
     * sidecar from reading archived lines again (which would store them twice) and validate proves archived lines
     * with it. The rest is working state of the writer (estimates of a running backfill, facts waiting for their
     * worker, indexes to build), the outbox's delivery state, and logs of backups, archives and the raw JSONL archive
     * (which byte ranges of the ingested files are archived: they belong with the offsets). The full-text
     * search index (FTS5, schema v11, with the tables FTS5 keeps it in) serves the database's own rows: the
     * archive takes a month's rows out of it in the transaction that deletes them ({@code SearchIndex.forget}). So do
     * the hourly cost cells (schema v16): their triggers take the month's calls out as the archive deletes them, and
     * the writer settles the shares of reported cost (v19) of the workers that lost calls before that transaction
     * commits.
     */
    public static final List<String> STAYING = Stream.concat(Stream.of("ingest_files", "ingest_file_paths",
            "ingest_ledger", "ingest_skips", "ingest_rejects", "ingest_commits", "pending_estimates", "time_anchors",
            "deferred_facts", "deferred_indexes", "outbox", "outbox_cursor", "backups", "archives",
            "raw_archive_segments", "schema_version", ApiCallHours.TABLE, ApiCallCosts.EXTRAS, ApiCallCosts.DIRTY,
            SearchIndex.TABLE),
            SearchIndex.STORAGE_TABLES.stream()).toList();

    /** Views of the schema: queries over archives get their own versions of them ({@link ArchiveViews}). */
    public static final List<String> VIEWS = List.of("tool_calls", "unlinked_records");

    /** Views only the database's own work reads (the search indexer's source): archives never stand behind them. */
    public static final List<String> STAYING_VIEWS = List.of(SearchIndex.SOURCE);

    private ArchivedTables() {
    }

    public static Optional<ArchivedTable> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
