package io.taclog.metrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.sink.dialect.PostgresConnections;
import io.taclog.sink.dialect.PostgresTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the metrics' short reads (figures for a scrape, the readiness probe) get a connection. A SQLite file is
 * opened read-only for each read (an open costs microseconds). A PostgreSQL server is read through a small HikariCP
 * pool: a scrape every few seconds and a probe every few more would otherwise each open a server connection (a TCP
 * and authentication round trip, a server process); two connections serve the two metrics threads.
 */
interface DatabaseReaders extends AutoCloseable {

    Connection open() throws SQLException;

    @Override
    default void close() {
    }

    static DatabaseReaders sqlite(Path db, int busyTimeoutMillis) {
        return () -> ReadOnlyDatabase.open(db, busyTimeoutMillis);
    }

    static DatabaseReaders postgres(PostgresTarget target, int timeoutMillis) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(target.url());
        cfg.setDataSourceProperties(target.properties());
        cfg.setReadOnly(true);
        cfg.setMaximumPoolSize(2);
        cfg.setMinimumIdle(0);
        cfg.setConnectionTimeout(Math.max(250, timeoutMillis));
        cfg.setPoolName("taclog-metrics");
        cfg.setInitializationFailTimeout(-1); // a server that is down at start is a failing probe, not a failed start
        HikariDataSource pool = new HikariDataSource(cfg);
        return new DatabaseReaders() {
            @Override
            public Connection open() throws SQLException {
                return PostgresConnections.wrap(pool.getConnection()); // closing it returns it to the pool
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }
}
