-- Schema v21: full-text search over conversations on PostgreSQL (docs/search.md, "PostgreSQL"). SQLite has had its
-- FTS5 index since v11; this is the PostgreSQL counterpart: a GIN index over a tsvector of the same text the FTS5
-- index holds (the tool name of a tool call, and the body: a tool call's input, a tool result's output, else the
-- content). PostgreSQL keeps a GIN index up to date in every insert's own transaction, so there is no indexer and
-- no watermark here: search_index_state (v11) stays at 0 and is not read on PostgreSQL, and `taclog search-index`
-- only reports (or, with --rebuild, runs REINDEX).
--
-- The words are made as FTS5's unicode61 tokenizer makes them, as far as PostgreSQL allows:
--   * the 'simple' configuration: lower case, no stemming, no stop words, any language;
--   * ASCII punctuation and a few common Unicode punctuation marks become spaces before PostgreSQL's parser sees
--     the text, so a word is a run of letters and digits: render_report is `render report`, foo-bar `foo bar`,
--     example.com/x.py `example com x py` (PostgreSQL's parser alone would keep hosts, paths, URLs, e-mail
--     addresses, version numbers and hyphenated words as single words, and a search for a part would miss them).
--     One regexp_replace with a fixed bracket expression (no character class, so no locale in it); translate()
--     does the same seven to ten times slower;
--   * diacritics are kept (FTS5 removes them): PostgreSQL's unaccent is an extension, often not installable, and
--     its function is not IMMUTABLE, so an index cannot use it. `café` finds `café` only, not `cafe`;
--   * the tool name is weight A and the body weight B, so that the column filters tool: and body: of a raw search
--     become weight restrictions (word:A, word:B);
--   * a tsvector holds at most 1 MB, and PostgreSQL fails the INSERT of a row whose tsvector would be bigger. A body
--     is therefore indexed up to its first 250,000 characters (100,000 when it has any non-ASCII character); the
--     text beyond is stored, shown and read by snippets, but not found by a search. Word positions above 16,383
--     are counted as 16,383, so a phrase deep inside a long tool output may not be found either.
-- The cost: each inserted row computes its tsvector (about 30 MB of text a second and core), and a search computes
-- it again for the rows it ranks and for the rows a phrase or column filter must check (a GIN index keeps words,
-- not their positions or weights).
-- The functions use built-in functions only and are IMMUTABLE, as an index expression must be; a query finds the
-- index by writing the very same expression (io.taclog.query.PostgresSearch).

-- The body as the SQLite view conversation_search_source (v11) shows it: a tool input (JSON) with its escaped line
-- breaks, tabs and quotes turned back into the characters, so a file the agent wrote is read as its words.
CREATE FUNCTION taclog_search_body(tool_input TEXT, tool_output TEXT, content TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN $1 IS NOT NULL AND left($1, 1) IN ('{', '[')
            THEN replace(replace(replace(replace($1, '\n', chr(10)), '\r', chr(13)), '\t', chr(9)), '\"', '"')
            ELSE COALESCE($1, $2, $3) END
$$;

-- The tsvector of one conversation row: tool name (weight A), body (weight B). Repeats taclog_search_body's
-- expression rather than calling it: a function called by name from another function is looked up in the caller's
-- search_path, which a restore (pg_dump sets an empty one) or another tool may not share.
CREATE FUNCTION taclog_search_document(content_type TEXT, tool_name TEXT, tool_input TEXT, tool_output TEXT,
                                       content TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT setweight(to_tsvector('simple'::regconfig,
           regexp_replace(CASE WHEN $1 = 'tool_use' THEN COALESCE($2, '') ELSE '' END,
                          '[-!"#$%&''()*+,./:;<=>?@\[\\\]^_`{|}~«»“”‘’„‚‹›…—–−•·]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('simple'::regconfig,
           regexp_replace(left(CASE WHEN $3 IS NOT NULL AND left($3, 1) IN ('{', '[')
                               THEN replace(replace(replace(replace($3, '\n', chr(10)), '\r', chr(13)), '\t', chr(9)),
                                            '\"', '"')
                               ELSE COALESCE($3, $4, $5, '') END,
                          CASE WHEN octet_length(COALESCE($3, $4, $5, '')) = length(COALESCE($3, $4, $5, ''))
                               THEN 250000 ELSE 100000 END),
                          '[-!"#$%&''()*+,./:;<=>?@\[\\\]^_`{|}~«»“”‘’„‚‹›…—–−•·]+', ' ', 'g')), 'B')
$$;

-- What SQLite's view of the same name shows (v11): the columns a snippet is made from, for SQL written by hand.
CREATE VIEW conversation_search_source AS
SELECT conversation_id,
       CASE WHEN content_type = 'tool_use' THEN tool_name END AS tool,
       taclog_search_body(tool_input, tool_output, content) AS body
FROM conversations;

-- Kept by PostgreSQL in every insert's transaction. fastupdate (the default) buffers new entries in a pending list
-- that is merged at the next VACUUM or when it reaches gin_pending_list_limit, so an insert stays cheap.
CREATE INDEX conversation_search ON conversations
    USING gin (taclog_search_document(content_type, tool_name, tool_input, tool_output, content));
