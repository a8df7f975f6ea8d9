-- Schema v12: monthly archives (docs/storage.md, "Archives"). `taclog archive --month YYYY-MM`, and the sidecar's
-- daily check when taclog.archive.enabled is on, move a month's rows to their own file (archive/logs-YYYY-MM.db,
-- the same schema). A row here records how far each month got, so that a run interrupted anywhere resumes from
-- its last recorded state, and names the files that `--include-archives` attaches: only months in state
-- 'deleted' (before that their rows are still in this database, and attaching them would count them twice).
-- The ingest bookkeeping (ingest_files, ingest_commits, the ledger, the quarantine) never moves: its offsets are
-- what keeps the sidecar from reading the archived lines again.
CREATE TABLE archives (
    month TEXT PRIMARY KEY,               -- 'YYYY-MM', a UTC calendar month
    file TEXT NOT NULL,                   -- the archive: relative to this database's directory, or absolute
    state TEXT NOT NULL,                  -- 'copied' (written, published), 'verified' (re-read, equal), 'deleted'
    snapshot_at TEXT NOT NULL,            -- when the snapshot the archive was copied from was read
    rows BIGINT NOT NULL,                -- rows in the archive: the month's own and copies of their parents
    moved_rows BIGINT NOT NULL,          -- rows that leave (state 'deleted': left) this database
    bytes BIGINT NOT NULL,               -- size of the archive file
    checksums TEXT NOT NULL,              -- per table: rows, sha256, moved, moved_sha256 (the archive's own copy
                                          -- of them is in its table archive_tables)
    copied_at TEXT NOT NULL,
    verified_at TEXT,
    deleted_at TEXT
);
