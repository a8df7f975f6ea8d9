-- Schema v16: the cost cells of every hour, kept as the calls change, so that a report over months reads cells, not calls.
--
-- A cost report sums the calls of its window per hour (UTC: its days are local days of any zone), worker and model,
-- and regroups those cells (CostQuery). Read from idx_api_calls_hour_cells (v13) a year of the benchmark database is
-- a million index entries and 1.1 s; the same year is about 120,000 cells here. The cells are derived data: three
-- triggers keep them equal to the calls on every insert, update and delete, whatever writes (the transcript and
-- API-log writers, worker re-linking and joining, re-pricing, the monthly archive's delete), in the writer's own
-- transaction. A bulk load drops the triggers with the deferred indexes and rebuilds the cells once at its end
-- (ApiCallHours); a report reads the cells only while all three triggers exist, and reads the calls otherwise.
--
-- Columns are the sums a report needs: token columns with NULL as 0, the estimate of priced calls (0.0 when none is
-- priced) and the number of calls without a price (NULL cost, never $0).
CREATE TABLE api_call_hours (
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
    PRIMARY KEY (hour, worker_id, model)
) WITHOUT ROWID;

-- What the workers of a report's window did outside it, per model: proration spreads a worker's whole reported cost,
-- so a report needs each worker's all-time estimate and calls. The window's own part comes from the cells the report
-- reads anyway; this index finds the rest by worker and hour, instead of all the workers' calls again.
CREATE INDEX idx_api_call_hours_worker ON api_call_hours(worker_id, hour, model, calls, estimated_cost_usd);

INSERT INTO api_call_hours
SELECT substr(timestamp, 1, 13), worker_id, model, COUNT(*), COALESCE(SUM(tokens_input), 0),
       COALESCE(SUM(tokens_output), 0), COALESCE(SUM(tokens_cached_read), 0), COALESCE(SUM(tokens_cached_write), 0),
       TOTAL(estimated_cost_usd),
       SUM(estimated_cost_usd IS NULL)
FROM api_calls GROUP BY substr(timestamp, 1, 13), worker_id, model;

CREATE TRIGGER api_call_hours_insert AFTER INSERT ON api_calls
BEGIN
    INSERT INTO api_call_hours VALUES (substr(NEW.timestamp, 1, 13), NEW.worker_id, NEW.model, 1,
        COALESCE(NEW.tokens_input, 0), COALESCE(NEW.tokens_output, 0), COALESCE(NEW.tokens_cached_read, 0),
        COALESCE(NEW.tokens_cached_write, 0), COALESCE(NEW.estimated_cost_usd, 0.0), NEW.estimated_cost_usd IS NULL)
    ON CONFLICT (hour, worker_id, model) DO UPDATE SET calls = calls + 1,
        tokens_input = tokens_input + excluded.tokens_input,
        tokens_output = tokens_output + excluded.tokens_output,
        tokens_cached_read = tokens_cached_read + excluded.tokens_cached_read,
        tokens_cached_write = tokens_cached_write + excluded.tokens_cached_write,
        estimated_cost_usd = estimated_cost_usd + excluded.estimated_cost_usd,
        unpriced_calls = unpriced_calls + excluded.unpriced_calls;
END;

-- A cell whose last call leaves is removed, so sums left over from subtraction never outlive their calls.
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
END;

-- An update is the old call leaving its cell and the new one entering its cell. Only updates that change a summed
-- column do anything: the transcript writer's upsert runs for every sighting of a response and mostly changes none.
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
    INSERT INTO api_call_hours VALUES (substr(NEW.timestamp, 1, 13), NEW.worker_id, NEW.model, 1,
        COALESCE(NEW.tokens_input, 0), COALESCE(NEW.tokens_output, 0), COALESCE(NEW.tokens_cached_read, 0),
        COALESCE(NEW.tokens_cached_write, 0), COALESCE(NEW.estimated_cost_usd, 0.0), NEW.estimated_cost_usd IS NULL)
    ON CONFLICT (hour, worker_id, model) DO UPDATE SET calls = calls + 1,
        tokens_input = tokens_input + excluded.tokens_input,
        tokens_output = tokens_output + excluded.tokens_output,
        tokens_cached_read = tokens_cached_read + excluded.tokens_cached_read,
        tokens_cached_write = tokens_cached_write + excluded.tokens_cached_write,
        estimated_cost_usd = estimated_cost_usd + excluded.estimated_cost_usd,
        unpriced_calls = unpriced_calls + excluded.unpriced_calls;
END;
