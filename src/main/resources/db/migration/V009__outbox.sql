-- The outbox of committed facts (docs/routes.md, "Publishing committed facts"): a row per API call stored or
-- revised, worker status change and warning or error event, written by triggers in the same transaction as
-- the fact itself, so a fact is published if and only if it was committed. The triggers exist only while
-- taclog.outbox.enabled is true (io.taclog.sink.Outbox installs and removes them at start): without them
-- this table stays empty and costs nothing.
CREATE TABLE outbox (
    outbox_id INTEGER PRIMARY KEY AUTOINCREMENT, -- publishing order and the messages' idempotency key
    kind TEXT NOT NULL,                          -- 'api_call', 'worker_status' or 'alert'
    row_id TEXT NOT NULL,                        -- call_id, worker_id or event_id of the fact's row
    payload JSON NOT NULL,                       -- the fact as committed
    created_at TIMESTAMP NOT NULL
);
-- How far each consumer has published (at-least-once: the cursor moves after the endpoint took the messages).
CREATE TABLE outbox_cursor (
    consumer TEXT PRIMARY KEY,
    last_outbox_id INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
