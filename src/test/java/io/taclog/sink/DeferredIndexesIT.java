package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.app.IngestRuntime;
import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.schema.Migrator;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk load drops the readers' indexes and builds them once at the end; a crash in between leaves a note that
 * the next start of any ingest command acts on, so no database stays without its query indexes.
 */
class DeferredIndexesIT {

    @TempDir
    Path tmp;

    private static List<String> indexes(Path db) {
        return Sql.rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name")
                .stream().map(r -> (String) r.get("name")).toList();
    }

    private static Map<String, String> definitions(Path db) {
        Map<String, String> out = new java.util.TreeMap<>();
        Sql.rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                .forEach(r -> out.put((String) r.get("name"), (String) r.get("sql")));
        return out;
    }

    @Test
    void aLoadInterruptedAfterTheDropIsRepairedByTheNextStartWithTheSameDefinitions() throws Exception {
        Path path = tmp.resolve("taclog.db");
        Map<String, String> full;
        try (Database db = Database.open(path, DatabaseSettings.defaults())) {
            Migrator.migrate(db);
            full = definitions(path);
            assertEquals(DeferredIndexes.DEFERRABLE.size(), DeferredIndexes.defer(db));
            assertEquals(0, DeferredIndexes.defer(db), "deferring twice drops nothing more");
        } // the process dies here: the load never reached its build
        assertTrue(indexes(path).stream().noneMatch(DeferredIndexes.DEFERRABLE::contains), indexes(path).toString());
        assertEquals(DeferredIndexes.DEFERRABLE.size() + ApiCallHours.TRIGGERS.size(),
                Sql.scalar(path, "SELECT COUNT(*) FROM deferred_indexes"), "the indexes and the cost cells' triggers");

        TaclogConfig config = TaclogConfig.load(Optional.empty(), Map.of("taclog.db", path.toString()));
        try (IngestRuntime sidecar = IngestRuntime.open(config, false)) {
            assertEquals(0L, Sql.scalar(path, "SELECT COUNT(*) FROM deferred_indexes"));
        }
        assertEquals(full, definitions(path), "every index back, as the migrations defined it");
    }

    @Test
    void aBackfillIntoAnEmptyDatabaseEndsWithEveryIndexBuilt() {
        Path path = tmp.resolve("bulk.db");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"backfill", "--db", path.toString(), "--watch",
            SharedSamples.root().resolve("claude-transcript").toString(), "--no-progress"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, out.toString(StandardCharsets.UTF_8));
        assertTrue(indexes(path).containsAll(DeferredIndexes.DEFERRABLE), indexes(path).toString());
        assertEquals(0L, Sql.scalar(path, "SELECT COUNT(*) FROM deferred_indexes"));
        assertTrue(Sql.scalar(path, "SELECT COUNT(*) FROM api_calls") > 0, "the load stored calls");
    }
}
