-- Schema v10: a log of the backups `taclog backup` wrote (docs/storage.md), so `taclog doctor` can say when the
-- last one was taken and where it went. One row per backup that was written and validated; the copy itself
-- does not hold its own row (it was taken before the row was written).
CREATE TABLE backups (
    backup_id BIGINT PRIMARY KEY,
    taken_at TEXT NOT NULL,              -- when the snapshot was read (UTC, ISO-8601)
    target TEXT NOT NULL,                -- the copy's absolute path as the command saw it
    bytes BIGINT NOT NULL,              -- size of the copy
    millis BIGINT NOT NULL,             -- time taken (copy and validation)
    schema_version BIGINT NOT NULL      -- of the copy
);
