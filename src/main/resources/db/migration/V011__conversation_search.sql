-- Schema v11: full-text search over conversations (docs/search.md). An external-content FTS5 index: the text
-- stays in conversations alone and the index holds only its tokens. Nothing in the writer fills it (no trigger:
-- an insert costs what it cost before); the search indexer (io.taclog.search.SearchIndexer, run by the sidecar's
-- search-index route and by `taclog search-index`) adds the rows above the watermark in short chunks, and a
-- search reads the rows not indexed yet directly, so its answers are complete either way.
--
-- The index reads its text through this view, which shows only values that never change once the row is
-- written: the name of a tool call (a tool result's name is filled in later, when its call arrives, so it is
-- left out) and the full body: a tool call's input, a tool result's output, else the content (for tool rows
-- `content` is a 2,000-character preview of the same value: indexing it too would index the text twice). A tool
-- input is JSON: its escaped line breaks, tabs and quotes are turned back into the characters, so that a file
-- the agent wrote is indexed as its words ("\nimport os" would otherwise give the token "nimport").
-- Only scalar functions here: FTS5 reads this view for its own commands (rebuild, integrity-check) in a mode
-- that refuses table-valued functions such as json_tree.
-- Columns that do change (worker_id and message_index when workers merge, timestamp when a recorded time
-- replaces an observed one, a result's tool_name) are read from conversations when a search runs.
CREATE VIEW conversation_search_source AS
SELECT conversation_id,
       CASE WHEN content_type = 'tool_use' THEN tool_name END AS tool,
       CASE WHEN tool_input IS NOT NULL AND json_valid(tool_input)
            THEN replace(replace(replace(replace(tool_input, '\n', char(10)), '\r', char(13)), '\t', char(9)),
                         '\"', '"')
            ELSE COALESCE(tool_input, tool_output, content) END AS body
FROM conversations;

-- conversation_id is AUTOINCREMENT: an id is never used twice, so a deleted row's tokens (left in the index
-- until a rebuild; a search joins conversations and never shows them) can never be taken for a new row's.
CREATE VIRTUAL TABLE conversation_search USING fts5(
    tool,
    body,
    content = 'conversation_search_source',
    content_rowid = 'conversation_id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- How far the index goes: every conversation row with conversation_id <= indexed_through is in it, none above.
-- Moved in the same transaction as the rows it covers.
CREATE TABLE search_index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL,    -- the watermark: largest conversation_id indexed
    indexed_rows INTEGER NOT NULL,       -- rows added since the index was last emptied (rows deleted since = this minus those still there)
    updated_at TEXT                      -- last change (UTC, ISO-8601); NULL before the first
);
INSERT INTO search_index_state(id, indexed_through, indexed_rows, updated_at) VALUES (1, 0, 0, NULL);
