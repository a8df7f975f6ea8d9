package io.taclog.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.IngestHarness;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forward-only, numbered migrations: old databases upgrade with their data; newer ones are refused. */
class MigratorIT {

    @TempDir
    Path tmp;

    @Test
    void upgradesAVersionOneDatabaseKeepingItsDataAndItsOffsets() {
        List<Map<String, Object>> seedBefore;
        Ledger before;
        try (IngestHarness h = IngestHarness.in(tmp).schemaVersion(1).start();
             LogWriter w = LogWriter.append(tmp.resolve("logs/app.jsonl"), "a")) {
            assertEquals(1, Sql.scalar(h.db(), "SELECT MAX(version) FROM schema_version"));
            w.lines(20).raw("not json\n");
            assertEquals(21, h.pump());
            Sql.exec(h.db(),
                    "INSERT INTO coordinator_sessions(session_id, started_at, pid, hostname) "
                            + "VALUES ('ses-1', '2026-01-02T03:04:05.000Z', 42, 'box')",
                    "INSERT INTO tasks(task_id, session_id, detected_at, source, status, title) "
                            + "VALUES ('gh-1', 'ses-1', '2026-01-02T03:04:06.000Z', 'github', 'active', 'Fix it')",
                    "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status) "
                            + "VALUES ('w-1', 'ses-1', 'gh-1', '2026-01-02T03:04:07.000Z', 'running')");
            seedBefore = seedRows(h.db());
            before = h.ledger();

            h.restartUpgraded();
            assertEquals(Migrator.latestVersion(), Sql.scalar(h.db(), "SELECT MAX(version) FROM schema_version"));
            assertEquals(seedBefore, seedRows(h.db()), "seed tables intact");
            Ledger after = h.ledger();
            assertEquals(before.generations(), after.generations(), "file registry and ledger intact");
            assertEquals(before.commits(), after.commits());
            assertEquals(before.rejects(), after.rejects());

            w.lines(5);
            assertEquals(5, h.pump(), "ingest resumes at the committed offset after the upgrade");
            h.assertLedgerProven();
        }
    }

    @Test
    void appliesEachMigrationOnce() throws Exception {
        try (Database db = Database.open(tmp.resolve("t.db"), DatabaseSettings.defaults())) {
            assertEquals(Migrator.MIGRATIONS.stream().map(Migration::version).toList(), Migrator.migrate(db));
            assertEquals(List.of(), Migrator.migrate(db), "a second run applies nothing");
            assertEquals(Migrator.latestVersion(), (int) db.withWriter(Migrator::currentVersion));
        }
    }

    @Test
    void refusesADatabaseWrittenByANewerTaclog() throws Exception {
        Path dbFile = tmp.resolve("newer.db");
        int newer = Migrator.latestVersion() + 1;
        try (Database db = Database.open(dbFile, DatabaseSettings.defaults())) {
            Migrator.migrate(db);
        }
        Sql.exec(dbFile, "INSERT INTO schema_version(version, description, applied_at) VALUES (" + newer
                + ", 'from the future', '2030-01-01T00:00:00.000Z')");

        try (Database db = Database.open(dbFile, DatabaseSettings.defaults())) {
            Migrator.NewerSchemaException e = assertThrows(Migrator.NewerSchemaException.class,
                    () -> Migrator.migrate(db));
            assertTrue(e.getMessage().contains("version " + newer + " is newer than this taclog supports ("
                    + Migrator.latestVersion() + ")"), e.getMessage());
        }

        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Files.writeString(watch.resolve("a.jsonl"), "{\"a\":1}\n");
        for (String[] args : List.of(
                new String[] {"migrate", "--db", dbFile.toString()},
                new String[] {"backfill", "--db", dbFile.toString(), "--watch", watch.toString()},
                new String[] {"files", "--db", dbFile.toString()},
                new String[] {"validate", "--db", dbFile.toString()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(Main.FAILURE, code, args[0] + ": " + text);
            assertTrue(text.contains("newer than this taclog supports"), args[0] + ": " + text);
        }
        assertEquals(0, Sql.scalar(dbFile, "SELECT COUNT(*) FROM ingest_files"), "nothing was ingested");
    }

    private static List<Map<String, Object>> seedRows(Path db) {
        return Sql.rows(db, "SELECT s.session_id, s.started_at, s.pid, s.hostname, t.task_id, t.status, t.title, "
                + "w.worker_id, w.spawned_at, w.status AS worker_status FROM coordinator_sessions s "
                + "JOIN tasks t USING (session_id) JOIN worker_sessions w ON w.task_id = t.task_id");
    }
}
