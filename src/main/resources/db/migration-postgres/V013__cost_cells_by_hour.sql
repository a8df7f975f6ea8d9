-- Schema v13: the cells of a cost report straight from an index, in the order they are grouped.
--
-- A cost report sums the calls of a window per hour (the report's days are local days of any zone), worker and
-- model. Through idx_api_calls_cost_window (timestamp first) SQLite had to sort every call of the window into a
-- temporary B-tree to group it: 0.23 s for the 98,000 calls of 30 days on the benchmark database, most of a
-- dashboard request. This index holds the calls in exactly that grouping order (hour, worker, model), with the
-- exact timestamp (for the window's bounds inside the first and last hour) and the summed columns, so the report
-- streams it without a sort: 0.07 s for the same 30 days (docs/performance.md).
CREATE INDEX idx_api_calls_hour_cells ON api_calls(substr(timestamp, 1, 13), worker_id, model, timestamp,
    estimated_cost_usd, tokens_input, tokens_output, tokens_cached_read, tokens_cached_write);

-- Tool calls of a window (query tools, the dashboard's performance page) by the time of the call. The tool_calls
-- view filters tool_use rows by time; the only index with their time led with the tool name, and SQLite 3.51 no
-- longer skip-scans it: every question about a week of tool calls read all conversation rows (0.35 s on the
-- benchmark's two million). Only tool_use rows are in this index.
CREATE INDEX idx_conversations_tool_use_time ON conversations(timestamp) WHERE content_type = 'tool_use';
