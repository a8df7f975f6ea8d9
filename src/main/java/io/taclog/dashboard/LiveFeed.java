package io.taclog.dashboard;

import io.javalin.http.sse.SseClient;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.sink.dialect.Dialect;
import io.taclog.sink.dialect.PostgresTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells open pages that the database changed, as server-sent events on {@code /api/live}.
 *
 * <p>One thread asks SQLite every {@code intervalMillis} whether another connection committed since it last asked
 * ({@code PRAGMA data_version}: a read of a counter in the shared memory of the WAL, no table is read and no lock
 * taken). When something was committed, every open page gets an event {@code change} with a new version number and
 * fetches its data again. So the database is probed at the same rate however many pages are open, and a page hears
 * of a commit within one interval. A page that loses the connection (the sidecar restarting with
 * {@code taclog run --dashboard}) is reconnected by the browser's EventSource and refreshes on reconnect.
 *
 * <p>On PostgreSQL the probe is the server's transaction snapshot ({@link Dialect#changeCounter()}), on a connection
 * of its own in autocommit: it changes whenever a transaction starts writing or ends, so a commit of any sidecar of
 * the fleet (a row added or one updated in place) is seen at the first look after it, and no table is read.
 */
public final class LiveFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    /** A comment this often keeps proxies and the browser from closing an idle stream. */
    private static final long HEARTBEAT_MILLIS = 15_000;

    /** Opens the probe's connection (again after a failure). */
    public interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final long intervalMillis;
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;
    private Connection connection;
    private String probe;
    /** The counter's value at the last look; null before the first (or after a failure). */
    private String lastDataVersion;

    public LiveFeed(Path db, long intervalMillis) {
        this(() -> ReadOnlyDatabase.open(db, 1000), intervalMillis);
    }

    /** A feed over a PostgreSQL database (a read-only connection in autocommit). */
    public static LiveFeed postgres(PostgresTarget target, long intervalMillis) {
        return new LiveFeed(() -> target.connect(true), intervalMillis);
    }

    public LiveFeed(Opener opener, long intervalMillis) {
        this.opener = opener;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "taclog-dashboard-live");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The number of changes seen since the server started. */
    public long version() {
        return version.get();
    }

    /** Keeps an SSE client until it goes away; it first hears the current version. */
    public void add(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendEvent("hello", "{\"version\":" + version.get() + "}");
    }

    int clients() {
        return clients.size();
    }

    private void loop() {
        long lastBeat = System.currentTimeMillis();
        while (!stopped) {
            try {
                if (changed()) {
                    broadcast("change", "{\"version\":" + version.incrementAndGet() + "}");
                }
                long now = System.currentTimeMillis();
                if (now - lastBeat >= HEARTBEAT_MILLIS) {
                    lastBeat = now;
                    for (SseClient c : clients) {
                        c.sendComment("keep-alive");
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("live feed: {}", e.toString());
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether another connection committed since the last look (the first look only sets the baseline). */
    private boolean changed() {
        try {
            if (connection == null) {
                connection = opener.open();
                probe = Dialect.of(connection).changeCounter();
            }
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(probe)) {
                String v = rs.next() ? rs.getString(1) : "";
                boolean changed = lastDataVersion != null && !v.equals(lastDataVersion);
                lastDataVersion = v;
                return changed;
            }
        } catch (SQLException e) {
            // the file is gone or being replaced, the server restarting: open it again next time, and let pages
            // refresh then
            closeConnection();
            lastDataVersion = null;
            return false;
        }
    }

    private void broadcast(String event, String data) {
        for (SseClient c : clients) {
            try {
                c.sendEvent(event, data);
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SseClient c : clients) {
            c.close();
        }
        closeConnection();
    }
}
