-- Schema v11: full-text search over conversations (docs/search.md).
--
-- PostgreSQL form: full-text search is SQLite-only for now (FTS5 has no PostgreSQL counterpart here yet; a
-- tsvector index is the planned one). Only the indexer's bookkeeping table is made, so that the schema versions
-- stay the same; `taclog query search` and `taclog search-index` say they are not supported on PostgreSQL.

CREATE TABLE search_index_state (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    indexed_through BIGINT NOT NULL,     -- the watermark: largest conversation_id indexed
    indexed_rows BIGINT NOT NULL,        -- rows added since the index was last emptied
    updated_at TEXT                      -- last change (UTC, ISO-8601); NULL before the first
);
INSERT INTO search_index_state(id, indexed_through, indexed_rows, updated_at) VALUES (1, 0, 0, NULL);
