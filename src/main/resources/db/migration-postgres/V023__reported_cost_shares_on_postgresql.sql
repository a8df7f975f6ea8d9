-- Schema v23: the cost cells' shares of reported cost (v19) kept on PostgreSQL as on SQLite.
--
-- v19 made the columns and tables on PostgreSQL without the triggers that mark the workers whose shares a change
-- makes stale, and the writer settled no shares there: a report prorated each worker's reported cost in Java, over
-- a year 117,000 cells read over the network. Now the same nine triggers (by the names SQLite's have, which a
-- report checks before it trusts the shares) mark the workers, and the writer settles the marked workers before
-- every commit on both back ends (io.taclog.sink.ApiCallCosts). The three cell triggers of v16 keep their names
-- and mark through their functions, replaced here.
--
-- A report sums the shares by local day in SQL with SQLite's date(text, modifier) (io.taclog.query.LocalDays):
-- date('YYYY-MM-DDTHH:00', '+19800 seconds') is 'YYYY-MM-DD', the only form taclog writes; defined here.

CREATE FUNCTION date(TEXT, TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT to_char(replace($1, 'T', ' ')::timestamp + $2::interval, 'YYYY-MM-DD')
$$;

CREATE FUNCTION api_call_costs_mark(worker TEXT) RETURNS VOID LANGUAGE sql AS $$
INSERT INTO api_call_cost_dirty(worker_id) VALUES (worker) ON CONFLICT DO NOTHING
$$;

-- A call enters its cell, and its worker's shares are to be settled again.
CREATE OR REPLACE FUNCTION api_call_hours_enter(c api_calls) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_call_hours(hour, worker_id, model, calls, tokens_input, tokens_output, tokens_cached_read,
        tokens_cached_write, estimated_cost_usd, unpriced_calls)
    VALUES (substr(c.timestamp, 1, 13), c.worker_id, c.model, 1,
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
    PERFORM api_call_costs_mark(c.worker_id);
END;
$$;

-- A call leaves its cell (a cell whose last call leaves is removed), and its worker's shares are to be settled.
CREATE OR REPLACE FUNCTION api_call_hours_leave(c api_calls) RETURNS VOID LANGUAGE plpgsql AS $$
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
    PERFORM api_call_costs_mark(c.worker_id);
END;
$$;

-- What else a share depends on: the worker's reported total and its itemisation by model.
CREATE FUNCTION api_call_costs_on_worker() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'UPDATE' OR OLD.reported_cost_usd IS NOT NULL) THEN
        PERFORM api_call_costs_mark(OLD.worker_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'UPDATE' OR NEW.reported_cost_usd IS NOT NULL) THEN
        PERFORM api_call_costs_mark(NEW.worker_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION api_call_costs_on_usage() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM api_call_costs_mark(OLD.worker_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM api_call_costs_mark(NEW.worker_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_call_costs_worker_insert AFTER INSERT ON worker_sessions
    FOR EACH ROW WHEN (NEW.reported_cost_usd IS NOT NULL) EXECUTE FUNCTION api_call_costs_on_worker();
CREATE TRIGGER api_call_costs_worker_update AFTER UPDATE OF worker_id, reported_cost_usd ON worker_sessions
    FOR EACH ROW WHEN (OLD.worker_id IS DISTINCT FROM NEW.worker_id
                       OR OLD.reported_cost_usd IS DISTINCT FROM NEW.reported_cost_usd)
    EXECUTE FUNCTION api_call_costs_on_worker();
CREATE TRIGGER api_call_costs_worker_delete AFTER DELETE ON worker_sessions
    FOR EACH ROW WHEN (OLD.reported_cost_usd IS NOT NULL) EXECUTE FUNCTION api_call_costs_on_worker();

CREATE TRIGGER api_call_costs_usage_insert AFTER INSERT ON worker_model_usage
    FOR EACH ROW EXECUTE FUNCTION api_call_costs_on_usage();
CREATE TRIGGER api_call_costs_usage_update AFTER UPDATE OF worker_id, model, reported_cost_usd ON worker_model_usage
    FOR EACH ROW WHEN (OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.model IS DISTINCT FROM NEW.model
                       OR OLD.reported_cost_usd IS DISTINCT FROM NEW.reported_cost_usd)
    EXECUTE FUNCTION api_call_costs_on_usage();
CREATE TRIGGER api_call_costs_usage_delete AFTER DELETE ON worker_model_usage
    FOR EACH ROW EXECUTE FUNCTION api_call_costs_on_usage();

-- Every worker that reports a cost, for the writer to settle in this migration's own transaction.
INSERT INTO api_call_cost_dirty(worker_id) SELECT worker_id FROM worker_sessions WHERE reported_cost_usd IS NOT NULL
ON CONFLICT DO NOTHING;
