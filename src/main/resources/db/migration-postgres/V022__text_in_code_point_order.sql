-- Schema v22: text compares and sorts by code point, as SQLite's BINARY collation does.
--
-- A PostgreSQL database takes its collation from its locale, and the usual one (en_US.UTF-8) is linguistic: it
-- ignores punctuation and case at first, so '(unassigned)' sorts after 'gh-601', 'Bash' beside 'bash', and text
-- ranges (ISO times, ids) compare by rules SQLite does not have. Every query of taclog is one SQL text on both
-- back ends, so every text column of taclog's tables gets COLLATE "C": sorts, groupings, MIN/MAX and ranges then
-- answer as on SQLite whatever locale the database was created with. Changing a collation rewrites no table, only
-- the indexes on those columns. PostgreSQL will not change a column a view or a trigger's condition reads, so the
-- views and triggers are dropped first and made again from their own definitions, as they were.
--
-- taclog_collate_text() does it and stays: a later migration adding text columns calls it at its end.

CREATE FUNCTION taclog_collate_text() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v RECORD;
    trg RECORD;
    col RECORD;
    pending BIGINT;
BEGIN
    CREATE TEMP TABLE taclog_saved_views ON COMMIT DROP AS
        SELECT viewname::text AS name, definition, false AS made FROM pg_views WHERE schemaname = current_schema();
    CREATE TEMP TABLE taclog_saved_triggers ON COMMIT DROP AS
        SELECT t.tgname::text AS name, c.relname::text AS tbl, pg_get_triggerdef(t.oid) AS definition
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname = current_schema();
    FOR v IN SELECT name FROM taclog_saved_views LOOP
        EXECUTE format('DROP VIEW IF EXISTS %I CASCADE', v.name);
    END LOOP;
    FOR trg IN SELECT name, tbl FROM taclog_saved_triggers LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', trg.name, trg.tbl);
    END LOOP;
    FOR col IN SELECT c.table_name, c.column_name FROM information_schema.columns c
               JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
               WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type = 'text'
                 AND c.collation_name IS DISTINCT FROM 'C'
               ORDER BY c.table_name, c.ordinal_position LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE TEXT COLLATE "C"', col.table_name, col.column_name);
    END LOOP;
    FOR trg IN SELECT definition FROM taclog_saved_triggers ORDER BY tbl, name LOOP
        EXECUTE trg.definition;
    END LOOP;
    -- a view is made once the views it reads are back: at most one round per view
    FOR round IN 1..(SELECT COUNT(*)::int FROM taclog_saved_views) LOOP
        FOR v IN SELECT name, definition FROM taclog_saved_views WHERE NOT made ORDER BY name LOOP
            BEGIN
                EXECUTE format('CREATE VIEW %I AS %s', v.name, v.definition);
                UPDATE taclog_saved_views SET made = true WHERE name = v.name;
            EXCEPTION WHEN undefined_table THEN
                NULL; -- it reads a view not made yet: the next round
            END;
        END LOOP;
    END LOOP;
    SELECT COUNT(*) INTO pending FROM taclog_saved_views WHERE NOT made;
    IF pending > 0 THEN
        RAISE EXCEPTION 'taclog_collate_text: % view(s) could not be made again', pending;
    END IF;
    DROP TABLE taclog_saved_views;
    DROP TABLE taclog_saved_triggers;
END
$$;

SELECT taclog_collate_text();
