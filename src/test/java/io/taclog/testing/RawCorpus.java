package io.taclog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real files in a folder of a test's own, to ingest, archive and then delete: the TAC-8 demo's coordinator.log, its
 * worker logs (with the NUL holes TAC-8 leaves) and session files, and every real transcript of the samples (Claude
 * stream-json and session files, Codex rollouts and exec JSON).
 */
public final class RawCorpus {

    private final Path root;

    private RawCorpus(Path root) {
        this.root = root;
    }

    /** Copies the files into {@code dir/sources}. */
    public static RawCorpus copyTo(Path dir) {
        Path root = dir.resolve("sources");
        Path demo = ShiftedDemo.DEMO;
        try {
            copyTree(demo.resolve("logs"), root.resolve("demo/logs"));
            copyTree(demo.resolve("projects"), root.resolve("demo/projects"));
            Files.copy(demo.resolve("coordinator.log"), root.resolve("demo/coordinator.log"));
            Path samples = SharedSamples.root();
            for (Path t : SharedSamples.realTranscripts()) {
                Path to = root.resolve("transcripts").resolve(samples.relativize(t).toString());
                Files.createDirectories(to.getParent());
                Files.copy(t, to);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RawCorpus(root);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    public Path root() {
        return root;
    }

    /** The source flags of a backfill of these files. */
    public List<String> sourceArgs() {
        return List.of("--watch", root.resolve("demo/logs").toString(), "--watch",
                root.resolve("demo/projects").toString(), "--watch", root.resolve("transcripts").toString(),
                "--coordinator-log", root.resolve("demo/coordinator.log").toString());
    }

    /** {@code taclog backfill} of these files into {@code db}; fails the test unless it exits 0. */
    public void backfill(Path db) {
        List<String> args = new ArrayList<>(List.of("backfill", "--db", db.toString(), "--no-progress"));
        args.addAll(sourceArgs());
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), () -> "backfill failed:\n" + r.out() + r.err());
    }

    /** Deletes every source file: the originals are gone, as after Claude Code's 30 days. */
    public void delete() {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a database holds, in terms that must not change when it is rebuilt from the same bytes: rows per table,
     * token sums and cost, and the ledger of every file generation by its id.
     */
    public static Map<String, Object> facts(Path db) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String t : List.of("coordinator_sessions", "action_triggers", "logic_flow", "tasks", "worker_sessions",
                "conversations", "api_calls", "worktree_operations", "system_events", "agent_sessions",
                "worker_model_usage", "task_status_history", "derived_episodes", "derived_episode_members",
                "codex_reviews", "ingest_files", "ingest_file_paths", "ingest_ledger", "ingest_skips",
                "ingest_rejects")) {
            out.put("rows in " + t, Sql.scalar(db, "SELECT COUNT(*) FROM " + t));
        }
        out.put("tokens", Sql.rows(db, "SELECT SUM(tokens_input) AS input, SUM(tokens_output) AS output, "
                + "SUM(tokens_cached_read) AS cache_read, SUM(tokens_cached_write) AS cache_write, "
                + "ROUND(SUM(estimated_cost_usd), 9) AS cost FROM api_calls"));
        out.put("ledger", Sql.rows(db, "SELECT file_id, lines_read, lines_with_rows, lines_skipped, lines_rejected, "
                + "fragments_recovered, rows_written, bytes_committed, nul_bytes_skipped, nul_runs_skipped "
                + "FROM ingest_ledger ORDER BY file_id"));
        out.put("files", Sql.rows(db, "SELECT file_id, source_kind, path, device, inode, first_line_hash, "
                + "start_offset, committed_offset, marker_hash, marker_length, parse_state FROM ingest_files "
                + "ORDER BY file_id"));
        out.put("skips", Sql.rows(db, "SELECT file_id, reason, lines FROM ingest_skips ORDER BY file_id, reason"));
        out.put("api calls", Sql.rows(db, "SELECT dedup_key, worker_id, model, tokens_input, tokens_output, "
                + "tokens_cached_read, tokens_cached_write, estimated_cost_usd, source_file_id, source_offset, "
                + "CASE WHEN time_source = 'recorded' THEN timestamp END AS recorded_at FROM api_calls "
                + "ORDER BY dedup_key, source_file_id, source_offset"));
        out.put("conversations", Sql.rows(db, "SELECT worker_id, dedup_key, role, content_type, tool_name, "
                + "length(content) AS chars, source_file_id, source_offset, "
                + "CASE WHEN time_source = 'recorded' THEN timestamp END AS recorded_at FROM conversations "
                + "ORDER BY worker_id, dedup_key, source_file_id, source_offset"));
        out.put("workers", Sql.rows(db, "SELECT worker_id, task_id, status, agent_session_id, model, exit_code "
                + "FROM worker_sessions ORDER BY worker_id"));
        return out;
    }
}
