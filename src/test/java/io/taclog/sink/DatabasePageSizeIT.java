package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.schema.Migrator;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database taclog creates gets the configured page size; one that exists keeps its own and still works. */
class DatabasePageSizeIT {

    @TempDir
    Path tmp;

    @Test
    void aNewDatabaseTakesTheConfiguredPageSize() throws Exception {
        Path db = tmp.resolve("new.db");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d);
        }
        assertEquals((long) DatabaseSettings.DEFAULT_PAGE_SIZE, Sql.scalar(db, "PRAGMA page_size"));
        assertEquals("wal", Sql.rows(db, "PRAGMA journal_mode").get(0).get("journal_mode"));
    }

    @Test
    void aFreshLoadTakesItToo() throws Exception {
        Path db = tmp.resolve("fresh.db");
        DatabaseSettings s = DatabaseSettings.defaults();
        DatabaseSettings eightKib = new DatabaseSettings(s.busyTimeoutMillis(), s.retryInitialMillis(),
                s.retryMaxMillis(), s.cacheKib(), 8192);
        try (Database d = Database.openFreshLoad(db, eightKib)) {
            Migrator.migrate(d);
        }
        assertEquals(8192L, Sql.scalar(db, "PRAGMA page_size"));
    }

    @Test
    void anExistingDatabaseKeepsItsPageSize() throws Exception {
        Path db = tmp.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size = 4096");
            st.execute("PRAGMA journal_mode = WAL");
            st.execute("CREATE TABLE before_taclog (x INTEGER)");
        }
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d);
        }
        assertEquals(4096L, Sql.scalar(db, "PRAGMA page_size"));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM conversations"));
    }
}
