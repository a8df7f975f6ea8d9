package io.taclog.sink;

import static io.taclog.sink.ConversationsDiskAwayIT.AWAY;
import static io.taclog.sink.ConversationsDiskAwayIT.assertEqualsACleanIngest;
import static io.taclog.sink.ConversationsDiskAwayIT.firstHalf;
import static io.taclog.sink.ConversationsDiskAwayIT.sidecarKeys;
import static io.taclog.sink.ConversationsDiskAwayIT.COORDINATOR_LOG;
import static io.taclog.sink.ConversationsDiskAwayIT.SPLIT;
import static io.taclog.sink.ConversationsDiskAwayIT.WAIT;
import static io.taclog.sink.ConversationsDiskAwayIT.bytes;
import static io.taclog.sink.ConversationsDiskAwayIT.committed;
import static io.taclog.sink.ConversationsDiskAwayIT.coordinatorCommitted;
import static io.taclog.sink.ConversationsDiskAwayIT.copy;
import static io.taclog.sink.ConversationsDiskAwayIT.copyTo;
import static io.taclog.sink.ConversationsDiskAwayIT.events;
import static io.taclog.sink.ConversationsDiskAwayIT.mainScalar;
import static io.taclog.sink.ConversationsDiskAwayIT.size;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import io.taclog.testing.Fingerprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sidecar started while the split layout's second disk is away (docs/storage.md, "When the second disk goes
 * away"): it starts without the conversations file, records {@code conversations_disk_gone}, ingests metadata and
 * spools conversation content; when the same file is back it is taken back and the spool replayed, and the database
 * ends with the facts of a clean single-file ingest of the same files. A one-shot backfill is refused meanwhile.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConversationsStartAwayIT {

    @TempDir
    Path tmp;

    /** What is at the conversations file's place when the sidecar starts. */
    enum AtStart {
        /** Nothing: the directory was moved away (an unmounted disk). */
        DIRECTORY_MISSING,
        /** An empty directory (the mount point of an unmounted disk). */
        EMPTY_DIRECTORY,
        /** A new empty file in an empty directory (a fresh disk mounted there): never written, never taken. */
        ANOTHER_FILE
    }

    @ParameterizedTest(name = "started with {0}")
    @EnumSource(AtStart.class)
    void theSidecarStartsWithoutTheFileAndTakesItBackWhenItReturns(AtStart atStart) throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path disk = Files.createDirectories(tmp.resolve("disk2"));
        Path aside = tmp.resolve("disk2-aside");
        Path db = tmp.resolve("taclog.db");
        Path file = disk.resolve("conversations.db");
        Path coordinator = Files.createDirectories(tmp.resolve("coordinator")).resolve("coordinator.log");
        Map<String, String> keys = sidecarKeys(db, file, watch, coordinator);

        // a first run with the disk there: conversation rows in the file, tool calls waiting for their results
        runUntil(keys, () -> firstHalf(db, watch, coordinator));
        long seqBefore = mainScalar(db, "SELECT seq FROM conversations_link");
        assertTrue(seqBefore > 0);

        Files.move(disk, aside);
        if (atStart != AtStart.DIRECTORY_MISSING) {
            Files.createDirectory(disk);
        }
        if (atStart == AtStart.ANOTHER_FILE) {
            Files.createFile(file);
        }

        // a backfill cannot do without the file (its final pass reads the conversations): refused, nothing written
        Map<String, String> untouched = Fingerprint.of(tmp);
        CliRun backfill = CliRun.of("backfill", "--db", db.toString(), "--watch", watch.toString(), "--no-progress");
        assertEquals(Main.USAGE, backfill.code(), backfill.out() + backfill.err());
        assertTrue(backfill.err().contains("`taclog run` starts without it"), backfill.err());
        assertEquals(untouched, Fingerprint.of(tmp), "the refused backfill wrote nothing");

        // the sidecar starts all the same
        runUntil(keys, () -> {
            Await.until(WAIT, () -> events(db, "conversations_disk_gone") == 1, "the start without the file is "
                    + "recorded");
            assertEquals(1, mainScalar(db, "SELECT COUNT(*) FROM system_events WHERE event_type = "
                    + "'conversations_disk_gone' AND severity = 'warning' AND component = 'storage' AND session_id = "
                    + "'taclog' AND json_extract(details, '$.path') = '" + file + "' AND json_extract(details, "
                    + "'$.reason') IS NOT NULL"), "the event has the evidence a loss while running has");
            for (String f : SPLIT) {
                copy(f, watch, 1.0);
            }
            for (String f : AWAY) {
                copy(f, watch, 1.0);
            }
            copyTo(COORDINATOR_LOG, coordinator, 1.0);
            Await.until(WAIT, () -> committed(db) == bytes(watch) && coordinatorCommitted(db) == size(coordinator),
                    () -> "metadata is ingested without the file (committed " + committed(db) + " of "
                            + bytes(watch) + ")");
            assertTrue(mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") > 0, "content was spooled");
            assertEquals(seqBefore, mainScalar(db, "SELECT seq FROM conversations_link"));
            if (atStart == AtStart.ANOTHER_FILE) {
                assertEquals(0, Files.size(file), "the file at the path is never written");
            } else {
                assertTrue(!Files.exists(file), "nothing was created at the path");
            }

            CliRun cost = CliRun.of("query", "cost", "--db", db.toString());
            assertEquals(Main.OK, cost.code(), cost.err());
            assertTrue(cost.err().contains("cannot be read (its disk is away?)"), cost.err());
            assertTrue(cost.err().contains("waiting for the conversations disk"), cost.err());
            for (String[] q : new String[][] {{"tools"}, {"sessions", "--since", "2000-01-01"}, {"errors"},
                    {"workers", "--active", "--include-idle"}, {"decisions", "--slow"}}) {
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("query"));
                args.addAll(java.util.List.of(q));
                args.addAll(java.util.List.of("--db", db.toString()));
                CliRun r = CliRun.of(args.toArray(String[]::new));
                assertEquals(Main.OK, r.code(), String.join(" ", q) + " answers without the conversations: " + r.err());
            }
            CliRun search = CliRun.of("query", "search", "pytest", "--db", db.toString());
            assertEquals(Main.FAILURE, search.code());
            assertTrue(search.err().contains("search index is in the conversations file"), search.err());
            CliRun doctor = CliRun.of("doctor", "--db", db.toString());
            assertEquals(Main.FAILURE, doctor.code(), doctor.out());
            assertTrue(doctor.out().contains("AWAY since "), doctor.out());

            if (atStart == AtStart.ANOTHER_FILE) {
                Files.delete(file);
            }
            if (atStart != AtStart.DIRECTORY_MISSING) {
                Files.delete(disk);
            }
            Files.move(aside, disk);
            Await.until(WAIT, () -> events(db, "conversations_disk_back") == 1
                            && mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") == 0,
                    () -> "the file is taken back and the spool caught up (spool "
                            + mainScalar(db, "SELECT COUNT(*) FROM conversations_spool") + ")");
        });
        assertTrue(mainScalar(db, "SELECT seq FROM conversations_link") > seqBefore);

        assertEqualsACleanIngest(tmp, db, watch, coordinator);
        CliRun doctor = CliRun.of("doctor", "--db", db.toString());
        assertEquals(Main.OK, doctor.code(), doctor.out());
    }

    /** Work that runs while the sidecar runs. */
    @FunctionalInterface
    private interface WhileRunning {
        void run() throws Exception;
    }

    private static void runUntil(Map<String, String> keys, WhileRunning work) throws Exception {
        IngestRuntime runtime = IngestRuntime.open(TaclogConfig.load(Optional.empty(), keys), false);
        CamelSidecar sidecar = new CamelSidecar(runtime);
        sidecar.start();
        try {
            work.run();
        } finally {
            sidecar.stop();
            runtime.close();
        }
    }

}
