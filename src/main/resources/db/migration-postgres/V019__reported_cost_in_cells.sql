-- Schema v19 in PostgreSQL form: the same columns and tables as the SQLite script of the same number, so the
-- schemas stay alike, but no triggers mark workers and the writer settles no shares on PostgreSQL yet:
-- reported_usd stays NULL and the two tables stay empty, and a cost report on PostgreSQL prorates each worker's
-- reported cost in Java from the cells, as it did before v19 (docs/operations.md, "PostgreSQL").
ALTER TABLE api_call_hours ADD COLUMN reported_usd DOUBLE PRECISION;

CREATE TABLE api_call_hour_extras (
    hour TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    model TEXT NOT NULL,
    reported_usd DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (hour, model, worker_id)
);
CREATE INDEX idx_api_call_hour_extras_worker ON api_call_hour_extras(worker_id);

CREATE TABLE api_call_cost_dirty (
    worker_id TEXT PRIMARY KEY
);
