package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `taclog run` with taclog.raw-archive.enabled archives a file's committed bytes once the file is idle, and what it
 * gains later as a further segment from where the first ended. Off (the default), the route never runs.
 */
class RawArchiveSidecarIT {

    @TempDir
    Path tmp;

    Map<String, String> settings(boolean enabled) {
        Map<String, String> s = new HashMap<>();
        s.put("taclog.db", tmp.resolve("taclog.db").toString());
        s.put("taclog.watch", tmp.resolve("w").toString());
        s.put("taclog.raw-archive.enabled", Boolean.toString(enabled));
        s.put("taclog.raw-archive.idle-seconds", "1");
        s.put("taclog.raw-archive.check-interval-ms", "100");
        s.put("taclog.maintenance.check-interval-ms", "100");
        return s;
    }

    @Test
    void theSidecarArchivesAnIdleFileAndLaterOnlyWhatItGained() throws Exception {
        List<String> lines = Files.readAllLines(SharedSamples.file(
                "claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl"));
        Path file = Files.createDirectories(tmp.resolve("w")).resolve("session.jsonl");
        append(file, lines.subList(0, 5));
        Path db = tmp.resolve("taclog.db");
        try (RunningSidecar s = RunningSidecar.start(TaclogConfig.load(Optional.empty(), settings(true)))) {
            Await.until(Duration.ofSeconds(30), () -> archivedTo(db) == sizeOf(file),
                    "the idle file's committed bytes are archived");
            long first = archivedTo(db);
            append(file, lines.subList(5, lines.size()));
            Await.until(Duration.ofSeconds(30), () -> archivedTo(db) == sizeOf(file),
                    "what the file gained is archived once it is idle again");
            List<Map<String, Object>> rows = Sql.rows(db, "SELECT start_offset, end_offset, state FROM "
                    + "raw_archive_segments ORDER BY start_offset");
            assertEquals(2, rows.size(), rows.toString());
            assertEquals(0L, ((Number) rows.get(0).get("start_offset")).longValue());
            assertEquals(first, ((Number) rows.get(1).get("start_offset")).longValue(), "no byte archived twice");
        }
        try (var months = Files.list(tmp.resolve("archive/raw"))) {
            Path month = months.filter(Files::isDirectory).findFirst().orElseThrow();
            assertEquals(2, Files.readAllLines(month.resolve("manifest.jsonl")).size());
        }
    }

    @Test
    void offByDefault() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("w")).resolve("session.jsonl");
        Files.copy(SharedSamples.file("claude-transcript/ccviewer-v1.0.x-1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl"),
                file);
        Map<String, String> s = settings(false);
        s.remove("taclog.raw-archive.enabled");
        try (RunningSidecar r = RunningSidecar.start(TaclogConfig.load(Optional.empty(), s))) {
            Await.until(Duration.ofSeconds(30), () -> r.runtime.maintenance().ticks() >= 3
                    && Sql.scalar(tmp.resolve("taclog.db"), "SELECT COALESCE(SUM(committed_offset), 0) "
                            + "FROM ingest_files") == sizeOf(file), "the file is committed and maintenance ticked");
            assertEquals(0, r.runtime.rawArchive().runs());
        }
        assertFalse(Files.exists(tmp.resolve("archive")));
    }

    private static long archivedTo(Path db) {
        if (!Files.exists(db)) {
            return -1;
        }
        return Sql.scalar(db, "SELECT COALESCE(MAX(end_offset), -1) FROM raw_archive_segments "
                + "WHERE state = 'archived'");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void append(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
