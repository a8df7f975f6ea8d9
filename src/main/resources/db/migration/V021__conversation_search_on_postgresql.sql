-- Schema v21: full-text search on PostgreSQL (docs/search.md, "PostgreSQL"). That back end gets a GIN index over
-- a tsvector of the text SQLite's FTS5 index (v11) holds; SQLite already has that index and needs nothing new.
-- This file keeps the two back ends at the same schema version: it changes nothing (the statement below only
-- reads), so a SQLite database migrates through it in no time.
SELECT 1;
