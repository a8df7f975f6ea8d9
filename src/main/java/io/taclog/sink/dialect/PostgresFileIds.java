package io.taclog.sink.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * File ids for the file registry in a database many sidecars share: taken from the identity sequence of
 * {@code ingest_files.file_id} a block at a time, so ids never collide across hosts (SQLite counts on from its own
 * highest id). The registry assigns an id while a tail thread asks, outside the writer's transaction and without the
 * writer's lock, so the blocks come through a connection of their own.
 */
public final class PostgresFileIds implements AutoCloseable {

    private static final int BLOCK = 64;

    private final PostgresTarget target;
    private final Deque<Long> free = new ArrayDeque<>();
    private Connection connection;

    public PostgresFileIds(PostgresTarget target) {
        this.target = target;
    }

    /** The next unused id (a sequence never gives one twice, not even after a rollback). */
    public synchronized long next() throws SQLException {
        if (free.isEmpty()) {
            if (connection == null) {
                connection = target.connect(false);
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT nextval(pg_get_serial_sequence("
                    + "'ingest_files', 'file_id')) FROM generate_series(1, ?)")) {
                ps.setInt(1, BLOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        free.add(rs.getLong(1));
                    }
                }
            } catch (SQLException e) {
                close(); // a dropped connection: the next call (the tailer polls again) opens a new one
                throw e;
            }
        }
        return free.removeFirst();
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
            connection = null;
        }
    }
}
