-- Schema v17: a Codex review entry is identified by the line it was read from, not by its time
-- (docs/transcripts.md, "Codex reviews").
--
-- Until v16 the key of codex_reviews was (side, agent_session_id, at), inserted with ON CONFLICT DO NOTHING.
-- A review line without a readable time of its own gets the time its batch was read at, which every other
-- such line of that batch shares: several entered_review_mode lines of one session read in one batch were one
-- row, the rest were dropped, and the number of rows depended on how the lines fell into batches (the curated
-- Codex fixture: 1 row with the default batch size, 5 with taclog.batch.max-lines=4, where 6 is right). The key
-- becomes (side, agent_session_id, source_line): source_line is '<file id>:<byte offset>' of the line in the
-- file generation it was read from (ingest_files.file_id), which the same line has at every reading (a restart
-- re-reads what did not commit, a sidecar follows a backfill): reading it again is still no second row.
--
-- The rows a v16 database holds cannot be traced to their lines. Each gets 'at <at>' instead, made of the part
-- of its old key that the new one lacks: unique because (side, agent_session_id, at) was the primary key, and
-- it can never equal a new key, which starts with a digit. Their pairs (partner_session_id) stay as they were.
-- Reviews the old key had already merged are not brought back: no row names the lines that were dropped.
--
-- SQLite cannot change a primary key with ALTER TABLE, so the table is rebuilt (SQLite's documented procedure,
-- https://sqlite.org/lang_altertable.html#otheralter, as V008 did): no view, trigger or foreign key names
-- codex_reviews, taclog's connections do not enforce foreign keys, and the migrator runs this script in one
-- transaction. Rowids are kept (a monthly archive selects rows by rowid). The new column comes last, so an
-- archive written before v17 reads it as NULL (docs/storage.md).
CREATE TABLE codex_reviews_v17 (
    side TEXT NOT NULL,                   -- 'parent' (entered_review_mode) or 'review' (sub-agent rollout)
    agent_session_id TEXT NOT NULL,       -- the rollout's own thread id
    at TIMESTAMP NOT NULL,                -- when review mode was entered / the sub-agent rollout began
    cwd TEXT,
    partner_session_id TEXT,              -- the other side, once paired
    source_line TEXT NOT NULL,            -- '<file id>:<byte offset>' of the line; 'at <at>' for rows of v16
    PRIMARY KEY (side, agent_session_id, source_line)
);

INSERT INTO codex_reviews_v17 (rowid, side, agent_session_id, at, cwd, partner_session_id, source_line)
    SELECT rowid, side, agent_session_id, at, cwd, partner_session_id, 'at ' || at FROM codex_reviews;

DROP TABLE codex_reviews;
ALTER TABLE codex_reviews_v17 RENAME TO codex_reviews;

CREATE INDEX idx_codex_reviews_unpaired ON codex_reviews(side, at) WHERE partner_session_id IS NULL;
