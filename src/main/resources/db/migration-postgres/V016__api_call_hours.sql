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
-- PostgreSQL form: the same cells and the same three triggers (by name), as PL/pgSQL trigger functions.
--
-- Columns are the sums a report needs: token columns with NULL as 0, the estimate of priced calls (0.0 when none is
-- priced) and the number of calls without a price (NULL cost, never $0).
CREATE TABLE api_call_hours (
    hour TEXT NOT NULL,                      -- substr(timestamp, 1, 13): 'YYYY-MM-DDTHH', UTC
    worker_id TEXT NOT NULL,
    model TEXT NOT NULL,
    calls BIGINT NOT NULL,
    tokens_input BIGINT NOT NULL,
    tokens_output BIGINT NOT NULL,
    tokens_cached_read BIGINT NOT NULL,
    tokens_cached_write BIGINT NOT NULL,
    estimated_cost_usd DOUBLE PRECISION NOT NULL,
    unpriced_calls BIGINT NOT NULL,
    PRIMARY KEY (hour, worker_id, model)
);

-- What the workers of a report's window did outside it, per model: proration spreads a worker's whole reported cost,
-- so a report needs each worker's all-time estimate and calls. The window's own part comes from the cells the report
-- reads anyway; this index finds the rest by worker and hour, instead of all the workers' calls again.
CREATE INDEX idx_api_call_hours_worker ON api_call_hours(worker_id, hour, model, calls, estimated_cost_usd);

INSERT INTO api_call_hours
SELECT substr(timestamp, 1, 13), worker_id, model, COUNT(*), COALESCE(SUM(tokens_input), 0),
       COALESCE(SUM(tokens_output), 0), COALESCE(SUM(tokens_cached_read), 0), COALESCE(SUM(tokens_cached_write), 0),
       TOTAL(estimated_cost_usd),
       SUM(CASE WHEN estimated_cost_usd IS NULL THEN 1 ELSE 0 END)
FROM api_calls GROUP BY substr(timestamp, 1, 13), worker_id, model;

-- A call enters its cell.
CREATE FUNCTION api_call_hours_enter(c api_calls) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_call_hours VALUES (substr(c.timestamp, 1, 13), c.worker_id, c.model, 1,
        COALESCE(c.tokens_input, 0), COALESCE(c.tokens_output, 0), COALESCE(c.tokens_cached_read, 0),
        COALESCE(c.tokens_cached_write, 0), COALESCE(c.estimated_cost_usd, 0.0),
        CASE WHEN c.estimated_cost_usd IS NULL THEN 1 ELSE 0 END)
    ON CONFLICT (hour, worker_id, model) DO UPDATE SET calls = api_call_hours.calls + 1,
        tokens_input = api_call_hours.tokens_input + excluded.tokens_input,
        tokens_output = api_call_hours.tokens_output + excluded.tokens_output,
        tokens_cached_read = api_call_hours.tokens_cached_read + excluded.tokens_cached_read,
        tokens_cached_write = api_call_hours.tokens_cached_write + excluded.tokens_cached_write,
        estimated_cost_usd = api_call_hours.estimated_cost_usd + excluded.estimated_cost_usd,
        unpriced_calls = api_call_hours.unpriced_calls + excluded.unpriced_calls;
END;
$$;

-- A call leaves its cell; a cell whose last call leaves is removed.
CREATE FUNCTION api_call_hours_leave(c api_calls) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_call_hours SET calls = calls - 1,
        tokens_input = tokens_input - COALESCE(c.tokens_input, 0),
        tokens_output = tokens_output - COALESCE(c.tokens_output, 0),
        tokens_cached_read = tokens_cached_read - COALESCE(c.tokens_cached_read, 0),
        tokens_cached_write = tokens_cached_write - COALESCE(c.tokens_cached_write, 0),
        estimated_cost_usd = estimated_cost_usd - COALESCE(c.estimated_cost_usd, 0.0),
        unpriced_calls = unpriced_calls - CASE WHEN c.estimated_cost_usd IS NULL THEN 1 ELSE 0 END
    WHERE hour = substr(c.timestamp, 1, 13) AND worker_id = c.worker_id AND model = c.model;
    DELETE FROM api_call_hours
    WHERE hour = substr(c.timestamp, 1, 13) AND worker_id = c.worker_id AND model = c.model AND calls <= 0;
END;
$$;

CREATE FUNCTION api_call_hours_on_insert() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM api_call_hours_enter(NEW);
    RETURN NULL;
END;
$$;

CREATE FUNCTION api_call_hours_on_delete() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM api_call_hours_leave(OLD);
    RETURN NULL;
END;
$$;

-- Only updates that change a summed column do anything (the SQLite trigger's WHEN clause).
CREATE FUNCTION api_call_hours_on_update() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF substr(OLD.timestamp, 1, 13) IS DISTINCT FROM substr(NEW.timestamp, 1, 13)
            OR OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.model IS DISTINCT FROM NEW.model
            OR OLD.tokens_input IS DISTINCT FROM NEW.tokens_input
            OR OLD.tokens_output IS DISTINCT FROM NEW.tokens_output
            OR OLD.tokens_cached_read IS DISTINCT FROM NEW.tokens_cached_read
            OR OLD.tokens_cached_write IS DISTINCT FROM NEW.tokens_cached_write
            OR OLD.estimated_cost_usd IS DISTINCT FROM NEW.estimated_cost_usd THEN
        PERFORM api_call_hours_leave(OLD);
        PERFORM api_call_hours_enter(NEW);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_call_hours_insert AFTER INSERT ON api_calls
    FOR EACH ROW EXECUTE FUNCTION api_call_hours_on_insert();

CREATE TRIGGER api_call_hours_delete AFTER DELETE ON api_calls
    FOR EACH ROW EXECUTE FUNCTION api_call_hours_on_delete();

CREATE TRIGGER api_call_hours_update AFTER UPDATE OF timestamp, worker_id, model, tokens_input, tokens_output,
    tokens_cached_read, tokens_cached_write, estimated_cost_usd ON api_calls
    FOR EACH ROW EXECUTE FUNCTION api_call_hours_on_update();
