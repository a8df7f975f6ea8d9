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
-- The cost: each inserted row computes its tsvector once (about 30 MB of text a second and core), kept in its own
-- table conversation_search_words by a trigger, as SQLite's FTS5 index keeps its own tables. A search ranks and
-- checks phrases and column filters on the stored tsvector: an index over the expression alone keeps words, not
-- their positions or weights, so every candidate row's tsvector was computed again, seconds for a common word in
-- 20,000 rows. The words live beside the conversations, not in a column of theirs, so `SELECT *` of a conversation
-- answers as on SQLite.
-- The functions use built-in functions only and are IMMUTABLE (io.taclog.query.PostgresSearch).

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

-- The words of every conversation row, kept in the row's own transaction by the trigger below.
CREATE TABLE conversation_search_words (
    conversation_id BIGINT PRIMARY KEY,
    document tsvector NOT NULL
);
INSERT INTO conversation_search_words(conversation_id, document)
SELECT conversation_id, taclog_search_document(content_type, tool_name, tool_input, tool_output, content)
FROM conversations;
-- fastupdate (the default) buffers new entries in a pending list merged at the next VACUUM or when it reaches
-- gin_pending_list_limit, so an insert stays cheap.
CREATE INDEX conversation_search ON conversation_search_words USING gin (document);

CREATE FUNCTION conversation_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM conversation_search_words WHERE conversation_id = OLD.conversation_id;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.conversation_id <> NEW.conversation_id THEN
        DELETE FROM conversation_search_words WHERE conversation_id = OLD.conversation_id;
    END IF;
    INSERT INTO conversation_search_words(conversation_id, document)
    VALUES (NEW.conversation_id, taclog_search_document(NEW.content_type, NEW.tool_name, NEW.tool_input,
                                                        NEW.tool_output, NEW.content))
    ON CONFLICT (conversation_id) DO UPDATE SET document = excluded.document;
    RETURN NEW;
END;
$$;

CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations
    FOR EACH ROW EXECUTE FUNCTION conversation_search_keep();
CREATE TRIGGER conversation_search_update AFTER UPDATE OF conversation_id, content_type, tool_name, tool_input,
    tool_output, content ON conversations FOR EACH ROW EXECUTE FUNCTION conversation_search_keep();
CREATE TRIGGER conversation_search_delete AFTER DELETE ON conversations
    FOR EACH ROW EXECUTE FUNCTION conversation_search_keep();
