-- Schema v19: each hourly cost cell carries its share of its worker's reported cost, so that a report over a year
-- sums cells in SQL instead of prorating a hundred thousand of them in Java.
--
-- A worker whose transcript reports its own total (Claude Code's result line) contributes that figure, spread over
-- its calls by their estimated cost, by model as the result line itemises it (CostQuery). The spread of one cell
-- depends on the worker's all-time sums, so it cannot be kept by the per-call triggers alone: they mark the worker
-- (api_call_cost_dirty), and the writer recomputes the marked workers' shares in the same transaction, just before it
-- commits (ApiCallCosts). A committed database written by taclog's writer therefore holds no marked worker; a report
-- that finds one (a database changed by another program, or by this migration until its first write) prorates in
-- Java from the calls, as before.
--
--   api_call_hours.reported_usd   the cell's share of its worker's reported cost; NULL when the worker reports none
--                                 (the cell's estimate is its cost)
--   api_call_hour_extras          the shares of models the result line itemises but that have no call rows (background
--                                 calls the transcript never shows), spread over the worker's cells of each hour
--   api_call_cost_dirty           the workers whose shares are to be recomputed before the transaction commits
--
-- The cells are made again in (hour, model, worker) order: a report by day or model then sums them in the order they
-- are stored, without sorting a year of them first.
DROP TRIGGER api_call_hours_insert;
DROP TRIGGER api_call_hours_delete;
DROP TRIGGER api_call_hours_update;

CREATE TABLE api_call_hours_v19 (
    hour TEXT NOT NULL,                      -- substr(timestamp, 1, 13): 'YYYY-MM-DDTHH', UTC
    worker_id TEXT NOT NULL,
    model TEXT NOT NULL,
    calls INTEGER NOT NULL,
    tokens_input INTEGER NOT NULL,
    tokens_output INTEGER NOT NULL,
    tokens_cached_read INTEGER NOT NULL,
    tokens_cached_write INTEGER NOT NULL,
    estimated_cost_usd REAL NOT NULL,
    unpriced_calls INTEGER NOT NULL,
    reported_usd REAL,
    PRIMARY KEY (hour, model, worker_id)
) WITHOUT ROWID;
INSERT INTO api_call_hours_v19(hour, worker_id, model, calls, tokens_input, tokens_output, tokens_cached_read,
    tokens_cached_write, estimated_cost_usd, unpriced_calls)
SELECT hour, worker_id, model, calls, tokens_input, tokens_output, tokens_cached_read, tokens_cached_write,
    estimated_cost_usd, unpriced_calls FROM api_call_hours;
DROP TABLE api_call_hours;
ALTER TABLE api_call_hours_v19 RENAME TO api_call_hours;
CREATE INDEX idx_api_call_hours_worker ON api_call_hours(worker_id, hour, model, calls, estimated_cost_usd);

CREATE TABLE api_call_hour_extras (
    hour TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    model TEXT NOT NULL,
    reported_usd REAL NOT NULL,
    PRIMARY KEY (hour, model, worker_id)
) WITHOUT ROWID;
CREATE INDEX idx_api_call_hour_extras_worker ON api_call_hour_extras(worker_id);

CREATE TABLE api_call_cost_dirty (
    worker_id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The three triggers of v16 again, naming their columns (the cells have one more) and marking the workers whose cells
-- they change.
CREATE TRIGGER api_call_hours_insert AFTER INSERT ON api_calls
BEGIN
    INSERT INTO api_call_hours(hour, worker_id, model, calls, tokens_input, tokens_output, tokens_cached_read,
        tokens_cached_write, estimated_cost_usd, unpriced_calls)
    VALUES (substr(NEW.timestamp, 1, 13), NEW.worker_id, NEW.model, 1,
        COALESCE(NEW.tokens_input, 0), COALESCE(NEW.tokens_output, 0), COALESCE(NEW.tokens_cached_read, 0),
        COALESCE(NEW.tokens_cached_write, 0), COALESCE(NEW.estimated_cost_usd, 0.0), NEW.estimated_cost_usd IS NULL)
    ON CONFLICT (hour, model, worker_id) DO UPDATE SET calls = calls + 1,
        tokens_input = tokens_input + excluded.tokens_input,
        tokens_output = tokens_output + excluded.tokens_output,
        tokens_cached_read = tokens_cached_read + excluded.tokens_cached_read,
        tokens_cached_write = tokens_cached_write + excluded.tokens_cached_write,
        estimated_cost_usd = estimated_cost_usd + excluded.estimated_cost_usd,
        unpriced_calls = unpriced_calls + excluded.unpriced_calls;
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_hours_delete AFTER DELETE ON api_calls
BEGIN
    UPDATE api_call_hours SET calls = calls - 1,
        tokens_input = tokens_input - COALESCE(OLD.tokens_input, 0),
        tokens_output = tokens_output - COALESCE(OLD.tokens_output, 0),
        tokens_cached_read = tokens_cached_read - COALESCE(OLD.tokens_cached_read, 0),
        tokens_cached_write = tokens_cached_write - COALESCE(OLD.tokens_cached_write, 0),
        estimated_cost_usd = estimated_cost_usd - COALESCE(OLD.estimated_cost_usd, 0.0),
        unpriced_calls = unpriced_calls - (OLD.estimated_cost_usd IS NULL)
    WHERE hour = substr(OLD.timestamp, 1, 13) AND worker_id = OLD.worker_id AND model = OLD.model;
    DELETE FROM api_call_hours
    WHERE hour = substr(OLD.timestamp, 1, 13) AND worker_id = OLD.worker_id AND model = OLD.model AND calls <= 0;
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_hours_update AFTER UPDATE OF timestamp, worker_id, model, tokens_input, tokens_output,
    tokens_cached_read, tokens_cached_write, estimated_cost_usd ON api_calls
WHEN substr(OLD.timestamp, 1, 13) IS NOT substr(NEW.timestamp, 1, 13) OR OLD.worker_id IS NOT NEW.worker_id
    OR OLD.model IS NOT NEW.model OR OLD.tokens_input IS NOT NEW.tokens_input
    OR OLD.tokens_output IS NOT NEW.tokens_output OR OLD.tokens_cached_read IS NOT NEW.tokens_cached_read
    OR OLD.tokens_cached_write IS NOT NEW.tokens_cached_write OR OLD.estimated_cost_usd IS NOT NEW.estimated_cost_usd
BEGIN
    UPDATE api_call_hours SET calls = calls - 1,
        tokens_input = tokens_input - COALESCE(OLD.tokens_input, 0),
        tokens_output = tokens_output - COALESCE(OLD.tokens_output, 0),
        tokens_cached_read = tokens_cached_read - COALESCE(OLD.tokens_cached_read, 0),
        tokens_cached_write = tokens_cached_write - COALESCE(OLD.tokens_cached_write, 0),
        estimated_cost_usd = estimated_cost_usd - COALESCE(OLD.estimated_cost_usd, 0.0),
        unpriced_calls = unpriced_calls - (OLD.estimated_cost_usd IS NULL)
    WHERE hour = substr(OLD.timestamp, 1, 13) AND worker_id = OLD.worker_id AND model = OLD.model;
    DELETE FROM api_call_hours
    WHERE hour = substr(OLD.timestamp, 1, 13) AND worker_id = OLD.worker_id AND model = OLD.model AND calls <= 0;
    INSERT INTO api_call_hours(hour, worker_id, model, calls, tokens_input, tokens_output, tokens_cached_read,
        tokens_cached_write, estimated_cost_usd, unpriced_calls)
    VALUES (substr(NEW.timestamp, 1, 13), NEW.worker_id, NEW.model, 1,
        COALESCE(NEW.tokens_input, 0), COALESCE(NEW.tokens_output, 0), COALESCE(NEW.tokens_cached_read, 0),
        COALESCE(NEW.tokens_cached_write, 0), COALESCE(NEW.estimated_cost_usd, 0.0), NEW.estimated_cost_usd IS NULL)
    ON CONFLICT (hour, model, worker_id) DO UPDATE SET calls = calls + 1,
        tokens_input = tokens_input + excluded.tokens_input,
        tokens_output = tokens_output + excluded.tokens_output,
        tokens_cached_read = tokens_cached_read + excluded.tokens_cached_read,
        tokens_cached_write = tokens_cached_write + excluded.tokens_cached_write,
        estimated_cost_usd = estimated_cost_usd + excluded.estimated_cost_usd,
        unpriced_calls = unpriced_calls + excluded.unpriced_calls;
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

-- The marks are upserts, not INSERT OR IGNORE: a trigger's conflict policy gives way to that of the statement that
-- fired it, and the writers' own upserts would turn a second mark of a worker into an error.

-- What else a share depends on: the worker's reported total and its itemisation by model.
CREATE TRIGGER api_call_costs_worker_insert AFTER INSERT ON worker_sessions
WHEN NEW.reported_cost_usd IS NOT NULL
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_costs_worker_update AFTER UPDATE OF worker_id, reported_cost_usd ON worker_sessions
WHEN OLD.worker_id IS NOT NEW.worker_id OR OLD.reported_cost_usd IS NOT NEW.reported_cost_usd
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_costs_worker_delete AFTER DELETE ON worker_sessions
WHEN OLD.reported_cost_usd IS NOT NULL
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_costs_usage_insert AFTER INSERT ON worker_model_usage
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_costs_usage_update AFTER UPDATE OF worker_id, model, reported_cost_usd ON worker_model_usage
WHEN OLD.worker_id IS NOT NEW.worker_id OR OLD.model IS NOT NEW.model
    OR OLD.reported_cost_usd IS NOT NEW.reported_cost_usd
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
    INSERT INTO api_call_cost_dirty VALUES (NEW.worker_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER api_call_costs_usage_delete AFTER DELETE ON worker_model_usage
BEGIN
    INSERT INTO api_call_cost_dirty VALUES (OLD.worker_id) ON CONFLICT DO NOTHING;
END;

-- Every worker that reports a cost, for the writer to settle in this migration's own transaction.
INSERT OR IGNORE INTO api_call_cost_dirty SELECT worker_id FROM worker_sessions WHERE reported_cost_usd IS NOT NULL;
