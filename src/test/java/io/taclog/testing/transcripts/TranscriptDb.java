package io.taclog.testing.transcripts;

import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.RawTranscript.Tokens;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the database holds about transcripts, in the shapes {@link RawTranscript} computes from raw files. */
public final class TranscriptDb {

    /** Rows whose line came from (any generation of) the file at {@code path}. */
    private static final String OF_FILE = "source_file_id IN (SELECT file_id FROM ingest_files WHERE path = ?)";

    private final Path db;

    public TranscriptDb(Path db) {
        this.db = db;
    }

    public Path path() {
        return db;
    }

    /** API calls first stored from {@code file}, per model. */
    public Map<String, Tokens> callsByModel(Path file) {
        return callsByModel("WHERE " + OF_FILE, file.toString());
    }

    /** API calls first stored from any of {@code files}, per model. */
    public Map<String, Tokens> callsByModel(List<Path> files) {
        Map<String, Tokens> out = new TreeMap<>();
        for (Path f : files) {
            callsByModel(f).forEach((model, t) -> out.merge(model, t, Tokens::plus));
        }
        return out;
    }

    /** API calls of a worker, per model. */
    public Map<String, Tokens> callsByModelOfWorker(String worker) {
        return callsByModel("WHERE worker_id = ?", worker);
    }

    private Map<String, Tokens> callsByModel(String where, Object arg) {
        Map<String, Tokens> out = new TreeMap<>();
        for (Map<String, Object> r : Sql.rows(db, "SELECT model, COUNT(*) AS n, SUM(tokens_input) AS i, "
                + "SUM(tokens_output) AS o, SUM(tokens_cached_read) AS cr, SUM(tokens_cache_write_5m) AS w5, "
                + "SUM(tokens_cache_write_1h) AS w1, SUM(tokens_cached_write) AS w, SUM(tokens_total) AS t "
                + "FROM api_calls " + where + " GROUP BY model", arg)) {
            Tokens t = new Tokens(num(r, "n"), num(r, "i"), num(r, "o"), num(r, "cr"), num(r, "w5"), num(r, "w1"));
            if (t.cacheWrite() != num(r, "w") || t.total() != num(r, "t")) {
                throw new AssertionError("api_calls of " + arg + ": tokens_cached_write or tokens_total disagree "
                        + "with the parts: " + r);
            }
            out.put((String) r.get("model"), t);
        }
        return out;
    }

    /** Conversation rows first stored from {@code file}. */
    public long conversationsOf(Path file) {
        return Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE " + OF_FILE, file.toString());
    }

    public long count(String sqlFromWhere, Object... args) {
        return Sql.scalar(db, "SELECT COUNT(*) " + sqlFromWhere, args);
    }

    public List<Map<String, Object>> rows(String sql, Object... args) {
        return Sql.rows(db, sql, args);
    }

    public long scalar(String sql, Object... args) {
        return Sql.scalar(db, sql, args);
    }

    public Object value(String sql, Object... args) {
        List<Map<String, Object>> rows = Sql.rows(db, sql, args);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + sql + ", got " + rows);
        }
        return rows.get(0).values().iterator().next();
    }

    /** The worker an agent session (Claude session id, Codex thread id) is linked to. */
    public String workerOfSession(String agentSessionId) {
        Object w = value("SELECT worker_id FROM agent_sessions WHERE agent_session_id = ?", agentSessionId);
        return (String) w;
    }

    /** Ids of the (generations of the) file. */
    public List<Long> fileIds(Path file) {
        return Sql.rows(db, "SELECT file_id FROM ingest_files WHERE path = ? ORDER BY file_id", file.toString())
                .stream().map(r -> num(r, "file_id")).toList();
    }

    /** Ingest skips of the file by reason. */
    public Map<String, Long> skips(Path file) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Object> r : Sql.rows(db, "SELECT reason, SUM(lines) AS n FROM ingest_skips WHERE file_id IN "
                + "(SELECT file_id FROM ingest_files WHERE path = ?) GROUP BY reason", file.toString())) {
            out.put((String) r.get("reason"), num(r, "n"));
        }
        return out;
    }

    static long num(Map<String, Object> r, String k) {
        Object v = r.get(k);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
