package io.taclog.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The migrations this build ships and the version a database has. Kept apart from {@link Migrator} and free
 * of logging, so that a read-only command (a query) checks the version without starting the logging system,
 * which alone cost about half a second of a query's start.
 */
public final class Migrations {

    /** All migrations shipped with this build, in order. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "seed tables and ingest bookkeeping",
                    "db/migration/V001__seed_tables_and_ingest_bookkeeping.sql"),
            new Migration(2, "transcripts: tokens, cost, pairing, workers",
                    "db/migration/V002__transcripts_tokens_and_cost.sql"),
            new Migration(3, "coordinator outputs, task status history, derived facts",
                    "db/migration/V003__coordinator_outputs_and_derived_facts.sql"),
            new Migration(4, "covering indexes for cost and error queries", "db/migration/V004__query_indexes.sql"),
            new Migration(5, "tool pairs within their worker, deferred indexes",
                    "db/migration/V005__scoped_tool_pairs_and_deferred_indexes.sql"),
            new Migration(6, "Codex review threads paired with their parent",
                    "db/migration/V006__codex_review_threads.sql"),
            new Migration(7, "no index that another one already covers",
                    "db/migration/V007__drop_indexes_others_cover.sql"),
            new Migration(8, "workers no task claims keep task_id NULL, not a task made from their session",
                    "db/migration/V008__unassigned_workers.sql"),
            new Migration(9, "an outbox of committed facts for publishing routes",
                    "db/migration/V009__outbox.sql"),
            new Migration(10, "a log of the backups taken, for doctor", "db/migration/V010__backups.sql"),
            new Migration(11, "full-text search over conversations (FTS5, filled by the search indexer)",
                    "db/migration/V011__conversation_search.sql"),
            new Migration(12, "monthly archives: the state of each archived month",
                    "db/migration/V012__monthly_archives.sql"),
            new Migration(13, "indexes for cost cells by hour and tool calls by time",
                    "db/migration/V013__cost_cells_by_hour.sql"),
            new Migration(14, "the raw JSONL archive: the byte ranges archived per file generation",
                    "db/migration/V014__raw_archive.sql"),
            new Migration(16, "cost cells of every hour, kept by triggers, for reports over months",
                    "db/migration/V016__api_call_hours.sql"),
            new Migration(17, "Codex review entries keyed by their source line, not by a time a batch can share",
                    "db/migration/V017__codex_reviews_by_source_line.sql"),
            new Migration(19, "each cost cell's share of its worker's reported cost, kept before every commit",
                    "db/migration/V019__reported_cost_in_cells.sql"),
            new Migration(20, "a worker's end by its process and by its transcript kept apart, its status derived",
                    "db/migration/V020__worker_ends_kept_apart.sql"),
            new Migration(21, "full-text search on PostgreSQL: a GIN index over the conversations' words "
                    + "(nothing on SQLite, which has its FTS5 index since v11)",
                    "db/migration/V021__conversation_search_on_postgresql.sql"),
            new Migration(22, "text in code point order on PostgreSQL (COLLATE \"C\", as SQLite's BINARY)",
                    "db/migration/V022__text_in_code_point_order.sql"),
            new Migration(23, "the cost cells' shares of reported cost kept on PostgreSQL too (nothing on SQLite)",
                    "db/migration/V023__reported_cost_shares_on_postgresql.sql"));

    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    private Migrations() {
    }

    /** Reads the version of a database opened read-only (0 if it has no version table). */
    public static int readVersion(Connection c) throws SQLException {
        if (!io.taclog.sink.dialect.Dialect.of(c).tableExists(c, "schema_version")) {
            return 0;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
