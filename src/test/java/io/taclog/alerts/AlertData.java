package io.taclog.alerts;

import com.sun.net.httpserver.HttpServer;
import io.taclog.model.Times;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** Rows for the alert rules, inserted by SQL as another process would see them, and a local webhook. */
final class AlertData {

    private AlertData() {
    }

    static void update(Path db, String sql, Object... args) {
        try (Connection c = Sql.connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static void worker(Path db, String worker, String task) {
        update(db, "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status) VALUES "
                + "(?, 'ses-1', ?, '2026-01-01T00:00:00.000Z', 'running') ON CONFLICT DO NOTHING", worker, task);
    }

    static void call(Path db, String worker, Instant at, double usd) {
        update(db, "INSERT INTO api_calls(worker_id, timestamp, model, estimated_cost_usd) VALUES (?,?,?,?)", worker,
                Times.format(at), "claude-sonnet-4-5", usd);
    }

    static void event(Path db, String type, String severity, Instant at, String sourceKey, String task,
                      String worker) {
        update(db, "INSERT INTO system_events(session_id, timestamp, event_type, severity, component, message, "
                + "details, task_id, worker_id, source_key) VALUES ('ses-1',?,?,?,'test',?, '{\"rule\":\"test\"}',?,?,?)",
                Times.format(at), type, severity, type + " in a test", task, worker, sourceKey);
    }

    static void reject(Path db, int offset, Instant at) {
        update(db, "INSERT INTO ingest_rejects(file_id, path, byte_offset, length, error, rejected_at) VALUES "
                + "(1, 'logs/a.jsonl', ?, 10, 'not JSON', ?)", offset, Times.format(at));
    }

    static long count(Path db, String eventType) {
        return Sql.scalar(db, "SELECT COUNT(*) FROM system_events WHERE event_type = ?", eventType);
    }

    static List<Map<String, Object>> alerts(Path db, String eventType) {
        return Sql.rows(db, "SELECT event_id, severity, message, details, json_extract(details, '$.delivery') AS "
                + "delivery FROM system_events WHERE event_type = ? ORDER BY event_id", eventType);
    }

    /** A webhook on a free local port that records each body and answers with {@code status}. */
    static final class Hook implements AutoCloseable {
        final HttpServer server;
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger requests = new AtomicInteger();

        Hook(IntSupplier status, Runnable beforeAnswer) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", ex -> {
                try (InputStream in = ex.getRequestBody()) {
                    bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                requests.incrementAndGet();
                beforeAnswer.run();
                ex.sendResponseHeaders(status.getAsInt(), -1);
                ex.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
        }

        static Hook answering(int status) throws IOException {
            return new Hook(() -> status, () -> { });
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
