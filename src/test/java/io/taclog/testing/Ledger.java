package io.taclog.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the ingest bookkeeping of a database (ingest_files, ingest_ledger, ingest_skips,
 * ingest_rejects, ingest_commits), with the invariants every test ends by checking.
 */
public final class Ledger {

    /** One file generation with its ledger row. */
    public record Generation(long fileId, String path, String state, String stateReason, long startOffset,
                             long committedOffset, Long adoptedFrom, long linesRead, long withRows, long skipped,
                             long rejected, long fragments, long rows, long bytes, long nulBytes, long nulRuns) {
    }

    /** One quarantined line or fragment. */
    public record Reject(long fileId, String path, long offset, long length, String kind, String error, String head) {
    }

    /** One committed byte range. */
    public record Commit(long fileId, long start, long end, long lines) {
    }

    private final List<Generation> generations = new ArrayList<>();
    private final List<Reject> rejects = new ArrayList<>();
    private final List<Commit> commits = new ArrayList<>();
    private final Map<Long, Map<String, Long>> skips = new LinkedHashMap<>();

    private Ledger() {
    }

    public static Ledger read(Path db) {
        Ledger l = new Ledger();
        for (Map<String, Object> r : Sql.rows(db, "SELECT f.file_id, f.path, f.state, f.state_reason, f.start_offset, "
                + "f.committed_offset, f.adopted_from, l.lines_read, l.lines_with_rows, l.lines_skipped, "
                + "l.lines_rejected, l.fragments_recovered, l.rows_written, l.bytes_committed, l.nul_bytes_skipped, "
                + "l.nul_runs_skipped FROM ingest_files f JOIN ingest_ledger l USING (file_id) ORDER BY f.file_id")) {
            l.generations.add(new Generation(num(r, "file_id"), (String) r.get("path"), (String) r.get("state"),
                    (String) r.get("state_reason"), num(r, "start_offset"), num(r, "committed_offset"),
                    r.get("adopted_from") == null ? null : num(r, "adopted_from"), num(r, "lines_read"),
                    num(r, "lines_with_rows"), num(r, "lines_skipped"), num(r, "lines_rejected"),
                    num(r, "fragments_recovered"), num(r, "rows_written"), num(r, "bytes_committed"),
                    num(r, "nul_bytes_skipped"), num(r, "nul_runs_skipped")));
        }
        for (Map<String, Object> r : Sql.rows(db, "SELECT file_id, path, byte_offset, length, kind, error, head "
                + "FROM ingest_rejects ORDER BY file_id, byte_offset, kind")) {
            l.rejects.add(new Reject(num(r, "file_id"), (String) r.get("path"), num(r, "byte_offset"),
                    num(r, "length"), (String) r.get("kind"), (String) r.get("error"), (String) r.get("head")));
        }
        for (Map<String, Object> r : Sql.rows(db, "SELECT file_id, start_offset, end_offset, lines FROM ingest_commits "
                + "ORDER BY file_id, start_offset")) {
            l.commits.add(new Commit(num(r, "file_id"), num(r, "start_offset"), num(r, "end_offset"),
                    num(r, "lines")));
        }
        for (Map<String, Object> r : Sql.rows(db,
                "SELECT file_id, reason, lines FROM ingest_skips ORDER BY file_id, reason")) {
            l.skips.computeIfAbsent(num(r, "file_id"), k -> new LinkedHashMap<>())
                    .put((String) r.get("reason"), num(r, "lines"));
        }
        return l;
    }

    private static long num(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? 0 : ((Number) v).longValue();
    }

    public List<Generation> generations() {
        return generations;
    }

    /** Generations last seen at {@code path}, oldest first. */
    public List<Generation> at(Path path) {
        return generations.stream().filter(g -> g.path().equals(path.toString())).toList();
    }

    /** The one generation at {@code path} that is not superseded. */
    public Generation current(Path path) {
        List<Generation> g = at(path).stream().filter(x -> !"superseded".equals(x.state())).toList();
        if (g.size() != 1) {
            throw new AssertionError("expected one live generation at " + path + ", found " + g + " among "
                    + generations);
        }
        return g.get(0);
    }

    /** The newest generation last seen at {@code path} (a deleted file's generation keeps its old path). */
    public Generation latest(Path path) {
        List<Generation> g = at(path);
        if (g.isEmpty()) {
            throw new AssertionError("no generation at " + path + " among " + generations);
        }
        return g.get(g.size() - 1);
    }

    public Generation generation(long fileId) {
        return generations.stream().filter(g -> g.fileId() == fileId).findFirst()
                .orElseThrow(() -> new AssertionError("no generation " + fileId + " in " + generations));
    }

    public long linesRead() {
        return generations.stream().mapToLong(Generation::linesRead).sum();
    }

    public long nulBytes() {
        return generations.stream().mapToLong(Generation::nulBytes).sum();
    }

    /** Lines skipped for {@code reason}, over all files. */
    public long skipped(String reason) {
        return skips.values().stream().mapToLong(m -> m.getOrDefault(reason, 0L)).sum();
    }

    public Map<String, Long> skips(long fileId) {
        return skips.getOrDefault(fileId, Map.of());
    }

    public List<Reject> rejects() {
        return rejects;
    }

    public List<Reject> rejects(String kind) {
        return rejects.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    public List<Commit> commits(long fileId) {
        return commits.stream().filter(c -> c.fileId() == fileId).toList();
    }

    public List<Commit> commits() {
        return commits;
    }

    /**
     * Checks the bookkeeping invariants of every generation: the ledger equation, skips by reason and the
     * quarantine agree with the ledger, and committed ranges run contiguously from the start offset to the
     * committed offset without overlap, holding exactly the lines and bytes the ledger counts.
     */
    public Ledger assertConsistent() {
        List<String> problems = new ArrayList<>();
        for (Generation g : generations) {
            String id = "file " + g.fileId() + " (" + g.path() + ")";
            if (g.linesRead() != g.withRows() + g.skipped() + g.rejected()) {
                problems.add(id + ": lines_read " + g.linesRead() + " != with_rows " + g.withRows() + " + skipped "
                        + g.skipped() + " + rejected " + g.rejected());
            }
            long bySkipReason = skips(g.fileId()).values().stream().mapToLong(Long::longValue).sum();
            if (bySkipReason != g.skipped()) {
                problems.add(id + ": skips by reason sum to " + bySkipReason + ", ledger says " + g.skipped());
            }
            long lineRejects = rejects.stream().filter(r -> r.fileId() == g.fileId() && r.kind().equals("line"))
                    .count();
            long fragmentRejects = rejects.stream().filter(r -> r.fileId() == g.fileId() && r.kind().equals("fragment"))
                    .count();
            if (lineRejects != g.rejected() || fragmentRejects != g.fragments()) {
                problems.add(id + ": quarantine holds " + lineRejects + " lines and " + fragmentRejects
                        + " fragments, ledger says " + g.rejected() + " and " + g.fragments());
            }
            long expect = g.startOffset();
            long lines = 0;
            long bytes = 0;
            for (Commit c : commits(g.fileId())) {
                if (c.start() != expect || c.end() <= c.start()) {
                    problems.add(id + ": committed range [" + c.start() + "," + c.end() + ") does not continue at "
                            + expect);
                }
                expect = c.end();
                lines += c.lines();
                bytes += c.end() - c.start();
            }
            if (expect != g.committedOffset()) {
                problems.add(id + ": committed ranges end at " + expect + ", offset is " + g.committedOffset());
            }
            if (lines != g.linesRead() || bytes != g.bytes()) {
                problems.add(id + ": committed ranges hold " + lines + " lines / " + bytes + " bytes, ledger says "
                        + g.linesRead() + " / " + g.bytes());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("ledger inconsistent:\n  " + String.join("\n  ", problems));
        }
        return this;
    }

    @Override
    public String toString() {
        return "Ledger" + generations + " rejects=" + rejects;
    }
}
