package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The split layout's second disk goes away while the sidecar runs, and comes back (docs/storage.md, "When the second
 * disk goes away"): transcripts keep being ingested (their API calls, offsets and ledger), their conversation content
 * waits in the main file's spool, and once the file is back the spool is replayed into it. At the end the database
 * holds exactly the facts of a clean single-file ingest of the same files, and validate passes.
 *
 * <p>Half of two transcripts is read before the disk goes and the other half while it is away, so that tool results
 * whose calls are in the unreachable file, and message indexes that go on from rows kept there, are replayed. The
 * second half of a coordinator log is read while the disk is away (and while the spool is full).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConversationsDiskAwayIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SAMPLES = Path.of("src/test/resources/samples");
    /** Read whole before the disk goes. */
    static final List<String> BEFORE = List.of(
            "claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl",
            "claude-transcript/claudeless-v2.1.29-compact-command-8aa54c1d-5030-4491-be42-e0c416424b8a.jsonl",
            "claude-transcript/claudeless-v2.1.29-hook-stop-d266fdf5-b6a3-46aa-8627-920959a0109a.jsonl",
            "claude-transcript/sniffly-v1.0.17-ff71dbed-a4f2-4284-a4fc-fe2fb90de929.jsonl");
    /** Half before the disk goes, half while it is away. */
    static final List<String> SPLIT = List.of(
            "claude-transcript/ccviewer-v1.0.x-5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl",
            "claude-transcript/agent-sessions-CURATED-claude-small.jsonl");
    /** Read whole while the disk is away. */
    static final List<String> AWAY = List.of(
            "claude-transcript/sniffly-v1.0.17-fed8ce56-bc79-401f-a83e-af084253362f.jsonl",
            "claude-transcript/claudeless-v2.1.29-edit-permission-dialog-c2fc3a3f-66d5-4c87-9f78-1a31dd719471.jsonl",
            // a Codex rollout (review entries, which until schema v17 depended on how their lines fell into batches,
            // are covered at every batch size by CodexReviewIT)
            "codex-rollout/localpush-rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl");

    /** A coordinator log: half read before the disk goes, half while it is away. */
    static final Path COORDINATOR_LOG = Path.of("samples/tac8-demo/coordinator.log");

    @TempDir
    Path tmp;

    /** How the second disk goes away and comes back. */
    private enum Away {
        /** The directory is moved away (a disk unmounted), then moved back. */
        RENAMED {
            @Override
            void go(Path dir, Path aside) throws IOException {
                Files.move(dir, aside);
            }

            @Override
            void back(Path dir, Path aside) throws IOException {
                Files.move(aside, dir);
            }
        },
        /** An empty directory takes its place (the empty mount point of an unmounted disk). */
        EMPTY_DIRECTORY {
            @Override
            void go(Path dir, Path aside) throws IOException {
                Files.move(dir, aside);
                Files.createDirectory(dir);
            }

            @Override
            void back(Path dir, Path aside) throws IOException {
                Files.delete(dir);
                Files.move(aside, dir);
            }
        },
        /** A new empty file takes its place (a fresh disk mounted there): never written, never taken. */
        ANOTHER_FILE {
            @Override
            void go(Path dir, Path aside) throws IOException {
                Files.move(dir, aside);
                Files.createDirectory(dir);
                Files.createFile(dir.resolve("conversations.db"));
            }

            @Override
            void back(Path dir, Path aside) throws IOException {
                assertEquals(0, Files.size(dir.resolve("conversations.db")), "the other file was not written");
                Files.delete(dir.resolve("conversations.db"));
                Files.delete(dir);
                Files.move(aside, dir);
            }
        },
        /** Its permissions are removed, then given back. */
        NO_PERMISSION {
            @Override
            void go(Path dir, Path aside) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
            }

            @Override
            void back(Path dir, Path aside) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        };

        abstract void go(Path dir, Path aside) throws IOException;

        abstract void back(Path dir, Path aside) throws IOException;
    }

    @Test
    void directoryMovedAwayAndBack() throws Exception {
        awayAndBack(Away.RENAMED, null);
    }

    @Test
    void directoryReplacedByAnEmptyOneAndBack() throws Exception {
        awayAndBack(Away.EMPTY_DIRECTORY, null);
    }

    @Test
    void anotherFileInItsPlaceIsNotTakenAndTheRightOneIs() throws Exception {
        awayAndBack(Away.ANOTHER_FILE, null);
    }

    @Test
    void permissionRemovedAndGivenBack() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")),
                "SKIPPED LOUDLY: running as root, for whom chmod 000 does not deny access; this variant needs an "
                        + "unprivileged user");
        awayAndBack(Away.NO_PERMISSION, null);
    }

    @Test
    void fullSpoolHoldsTranscriptsUntilTheDiskIsBack() throws Exception {
        awayAndBack(Away.RENAMED, 24_000L);
    }

    private void awayAndBack(Away away, Long spoolCap) throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path disk = Files.createDirectories(tmp.resolve("disk2"));
        Path aside = tmp.resolve("disk2-aside");
        Path db = tmp.resolve("taclog.db");
        Path file = disk.resolve("conversations.db");
        Path coordinator = Files.createDirectories(tmp.resolve("coordinator")).resolve("coordinator.log");
        Map<String, String> keys = sidecarKeys(db, file, watch, coordinator);
        if (spoolCap != null) {
            keys.put("taclog.db.conversations.spool-max-bytes", String.valueOf(spoolCap));
            keys.put("taclog.batch.max-lines", "4"); // small batches: some fit in the spool before it is full
        }
        TaclogConfig config = TaclogConfig.load(Optional.empty(), keys);
        IngestRuntime runtime = IngestRuntime.open(config, false);
        CamelSidecar sidecar = new CamelSidecar(runtime);
        sidecar.start();
        try {
            firstHalf(db, watch, coordinator);
            long conversationsBefore = mainScalar(db, "SELECT seq FROM conversations_link");

            away.go(disk, aside);
            Await.until(WAIT, () -> events(db, "conversations_disk_gone") == 1, "the loss is noticed and recorded");
            for (String f : SPLIT) {
                copy(f, watch, 1.0); // the other half
            }
            for (String f : AWAY) {
                copy(f, watch, 1.0);
            }
            if (spoolCap == null) {
                Await.until(WAIT, () -> committed(db) == bytes(watch), "every transcript is read while the disk is "
                        + "away (committed " + committed(db) + " of " + bytes(watch) + ")");
                assertTrue(mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") > 0, "content was spooled");
                copyTo(COORDINATOR_LOG, coordinator, 1.0);
                Await.until(WAIT, () -> coordinatorCommitted(db) == size(coordinator),
                        "the coordinator log is read while the disk is away");
                assertEquals(conversationsBefore, mainScalar(db, "SELECT seq FROM conversations_link"),
                        "no commit was counted for the file that is away");
                CliRun tools = CliRun.of("query", "cost", "--db", db.toString());
                assertEquals(Main.OK, tools.code(), tools.err());
                assertTrue(tools.err().contains("conversation rows are waiting for the conversations disk"),
                        tools.err());
                CliRun doctor = CliRun.of("doctor", "--db", db.toString());
                assertEquals(Main.FAILURE, doctor.code(), "a split database without its conversations file");
                assertTrue(doctor.out().matches("(?s).*spool +\\d+ conversation blocks, \\d+ bytes \\(cap 268435456 "
                        + "bytes.*waiting since .*"), doctor.out());
            } else {
                Await.until(WAIT, () -> events(db, "conversations_spool_full") == 1, "a full spool is recorded once");
                assertTrue(committed(db) < bytes(watch), "transcripts wait unread while the spool is full");
                copyTo(COORDINATOR_LOG, coordinator, 1.0);
                Await.until(WAIT, () -> coordinatorCommitted(db) == size(coordinator),
                        "the coordinator log is read while the spool is full");
                assertTrue(committed(db) < bytes(watch), "transcripts still wait");
                assertTrue(mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") > 0, "content was spooled");
                assertTrue(mainScalar(db, "SELECT COALESCE(SUM(bytes), 0) FROM conversations_spool") <= spoolCap);
            }

            away.back(disk, aside);
            Await.until(WAIT, () -> events(db, "conversations_disk_back") == 1
                            && mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") == 0
                            && committed(db) == bytes(watch),
                    () -> "the file is back and the spool caught up (spool "
                            + mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") + ", committed "
                            + committed(db) + " of " + bytes(watch) + ")");
        } finally {
            sidecar.stop();
            runtime.close();
        }
        assertTrue(mainScalar(db, "SELECT seq FROM conversations_link") > 0);

        assertEqualsACleanIngest(tmp, db, watch, coordinator);
        assertEquals(0, mainScalar(db, "SELECT COUNT(*) FROM conversations_spool"));
        CliRun doctor = CliRun.of("doctor", "--db", db.toString());
        assertEquals(Main.OK, doctor.code(), doctor.out());
        assertTrue(doctor.out().matches("(?s).*spool +empty \\(cap .*"), doctor.out());
        CliRun tools = CliRun.of("query", "tools", "--db", db.toString());
        assertEquals(Main.OK, tools.code(), tools.err());
        assertTrue(!tools.err().contains("waiting for the conversations disk"), tools.err());
    }

    /** The sidecar's keys: a split database, fast checks and batches, the coordinator log in its zone. */
    static Map<String, String> sidecarKeys(Path db, Path file, Path watch, Path coordinator) {
        return new LinkedHashMap<>(Map.of(
                "taclog.db", db.toString(),
                "taclog.db.conversations", file.toString(),
                "taclog.db.conversations.check-ms", "50",
                "taclog.watch", watch.toString(),
                "taclog.batch.max-wait-ms", "20",
                "taclog.scan-interval-ms", "50",
                "taclog.search.enabled", "true",
                "taclog.coordinator.log", coordinator.toString(),
                "taclog.coordinator.timezone", "America/Los_Angeles"));
    }

    /** Writes what a running sidecar reads while the disk is there (half the split files) and waits for it. */
    static void firstHalf(Path db, Path watch, Path coordinator) {
        for (String f : BEFORE) {
            copy(f, watch, 1.0);
        }
        for (String f : SPLIT) {
            copy(f, watch, 0.5);
        }
        copyTo(COORDINATOR_LOG, coordinator, 0.5);
        Await.until(WAIT, () -> committed(db) == bytes(watch) && coordinatorCommitted(db) == size(coordinator),
                "the first files are committed");
    }

    /**
     * The database equals a clean single-file backfill of the same files (rows per table, API calls, tokens and cost
     * per worker, every conversation row) and validates.
     */
    static void assertEqualsACleanIngest(Path tmp, Path db, Path watch, Path coordinator) {
        Path clean = tmp.resolve("clean.db");
        CliRun backfill = CliRun.of("backfill", "--db", clean.toString(), "--watch", watch.toString(),
                "--coordinator-log", coordinator.toString(), "--set", "taclog.coordinator.timezone=America/Los_Angeles",
                "--no-progress");
        assertEquals(Main.OK, backfill.code(), backfill.err());
        ConversationsFileIT.Facts expected = ConversationsFileIT.Facts.of(clean);
        ConversationsFileIT.Facts actual = ConversationsFileIT.Facts.of(db);
        // the commit log has a row per commit: a live sidecar reading files as they grow commits more often
        expected.rows().remove("ingest_commits");
        actual.rows().remove("ingest_commits");
        assertEquals(expected.rows(), actual.rows(), "rows per table");
        assertEquals(expected.tokens(), actual.tokens(), "API calls, tokens and cost per worker");
        assertEquals(expected.conversations().size(), actual.conversations().size(), "conversation rows");
        for (int i = 0; i < expected.conversations().size(); i++) {
            assertEquals(recordedTimesOnly(expected.conversations().get(i)),
                    recordedTimesOnly(actual.conversations().get(i)), "conversation row " + i);
        }
        CliRun validate = CliRun.of("validate", "--db", db.toString(), "--watch", watch.toString());
        assertEquals(Main.OK, validate.code(), validate.out() + validate.err());
    }

    /** A row without its time when that time is when a reader saw the line (a line without a time of its own). */
    static Map<String, Object> recordedTimesOnly(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        if ("observed".equals(row.get("time_source"))) {
            out.remove("timestamp");
        }
        return out;
    }

    /** Copies a sample into the watched directory: its first {@code share} of lines, or the rest of them. */
    static void copy(String sample, Path watch, double share) {
        copyTo(SAMPLES.resolve(sample), watch.resolve(Path.of(sample).getFileName()), share);
    }

    static void copyTo(Path from, Path to, double share) {
        try {
            List<String> lines = Files.readAllLines(from, StandardCharsets.UTF_8);
            long have = Files.exists(to) ? Files.readAllLines(to, StandardCharsets.UTF_8).size() : 0;
            int upTo = (int) Math.round(lines.size() * share);
            List<String> add = new ArrayList<>(lines.subList((int) have, Math.max(upTo, (int) have)));
            StringBuilder text = new StringBuilder();
            add.forEach(l -> text.append(l).append('\n'));
            Files.writeString(to, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long bytes(Path watch) {
        try (var files = Files.list(watch)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long committed(Path db) {
        return mainScalar(db, "SELECT COALESCE(SUM(committed_offset), 0) FROM ingest_files "
                + "WHERE source_kind = 'transcripts'");
    }

    static long coordinatorCommitted(Path db) {
        return mainScalar(db, "SELECT COALESCE(SUM(committed_offset), 0) FROM ingest_files "
                + "WHERE source_kind <> 'transcripts'");
    }

    static long size(Path file) {
        return file.toFile().length();
    }

    static long events(Path db, String type) {
        return mainScalar(db, "SELECT COUNT(*) FROM system_events WHERE event_type = '" + type + "'");
    }

    /**
     * A query of the main file alone, read-only: a test must not attach the conversations file itself while it is
     * away (a read-write attach would create an empty file in the empty directory).
     */
    static long mainScalar(Path db, String sql) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(SQLiteOpenMode.READONLY);
        cfg.setBusyTimeout(10_000);
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
