-- Schema v11: full-text search over every conversation (the dashboard's search page and `taclog query search`).
--
-- One FTS5 row per conversation row, keyed by its conversation_id, holding the block's whole text: the full tool
-- input of a call and the full output of a result (the content column keeps only a 2,000-character preview of
-- those), the text of everything else. The index is contentless (content=''): the text is already in
-- conversations, and a second copy would double the largest table; contentless_delete lets the triggers remove
-- and replace rows. unicode61 splits words at punctuation, so "ECONNREFUSED", "render_report" and "127.0.0.1"
-- are found as words or phrases.
--
-- The writer maintains it through these triggers, inside the same transaction as the conversation rows (a row is
-- searchable exactly when it is committed). Renaming a worker (a provisional worker merged into the
-- coordinator's) changes no indexed text, so it fires nothing.
CREATE VIRTUAL TABLE conversations_fts USING fts5(body, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
  INSERT INTO conversations_fts(rowid, body) VALUES (new.conversation_id, COALESCE(new.tool_output, new.tool_input, new.content)); END;

CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
  DELETE FROM conversations_fts WHERE rowid = old.conversation_id; END;

CREATE TRIGGER conversations_fts_update AFTER UPDATE OF content, tool_input, tool_output ON conversations BEGIN
  DELETE FROM conversations_fts WHERE rowid = old.conversation_id; INSERT INTO conversations_fts(rowid, body) VALUES (new.conversation_id, COALESCE(new.tool_output, new.tool_input, new.content)); END;

-- what is there already
INSERT INTO conversations_fts(rowid, body)
SELECT conversation_id, COALESCE(tool_output, tool_input, content) FROM conversations;
