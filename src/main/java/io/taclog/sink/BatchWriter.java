package io.taclog.sink;

import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.ParsedLine;
import io.taclog.model.Fact;
import io.taclog.model.Times;
import io.taclog.source.FileRange;
import io.taclog.source.LineFlaw;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a parsed batch: its rows, its rejects, the ledger counts and the new committed offset of
 * every file range, all in one transaction.
 *
 * <p>Each range's offset moves only if the stored offset still equals the range's start, so a batch
 * cannot commit twice or after a later one. If storing the rows of some line fails (a record that
 * breaks a constraint), the batch is retried with each line in its own savepoint and the failing lines
 * become rejects: one bad record never blocks a file.
 */
public final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    /** Characters of a quarantined line's start that its record keeps. */
    private static final int HEAD_CHARS = SourceLine.HEAD_CHARS;
    private static final int SKIPS_PER_STATEMENT = 8;

    private final Database db;
    private final FactWriters writers;
    private final Clock clock;
    private final SqliteFileRegistry registry;

    /** What a commit did (used by progress reporting and tests). */
    public record Summary(int lines, int rows, int skipped, int rejected, long bytes) {
        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0);
    }

    /** A writer whose commits move the offsets {@code registry} holds in memory. */
    public BatchWriter(Database db, FactWriters writers, Clock clock, SqliteFileRegistry registry) {
        this.db = db;
        this.writers = writers;
        this.clock = clock;
        this.registry = registry;
    }

    public Summary commit(ParsedBatch batch) throws SQLException {
        if (batch.source().ranges().isEmpty()) {
            return Summary.EMPTY;
        }
        Summary s;
        try {
            s = db.write(c -> writeBatch(batch, false));
        } catch (LineWriteFailure f) {
            LOG.warn("a record could not be stored ({}); storing the batch line by line", f.getCause().getMessage());
            s = db.write(c -> writeBatch(batch, true));
        }
        for (FileRange r : batch.source().ranges()) {
            registry.committed(r, batch.endStates().get(r.fileId()));
        }
        return s;
    }

    private Summary writeBatch(ParsedBatch batch, boolean isolateLines) throws SQLException {
        Instant now = clock.instant();
        String nowText = Times.format(now);
        Map<Long, LedgerDelta> deltas = new HashMap<>();
        for (FileRange r : batch.source().ranges()) {
            advanceOffset(r, batch.endStates().get(r.fileId()), nowText);
            deltas.put(r.fileId(), new LedgerDelta());
        }
        WriteContext ctx = new WriteContext(db, now);
        // lines stored one by one must each stand alone: no statement may cover facts of other lines. Without
        // the planBatch step in the route, the plan is made here.
        Map<Fact, Fact> plan = isolateLines ? Map.of()
                : batch.plan() != null ? batch.plan() : writers.plan(factsOf(batch.lines()));
        ctx.prices(batch.prices());
        ctx.pairs(batch.pairs());
        int rows = 0;
        int skipped = 0;
        int rejected = 0;
        for (ParsedLine pl : batch.lines()) {
            SourceLine line = pl.line();
            SourceFile file = batch.source().files().get(line.fileId());
            ctx.at(file, line, batch.source().observedAt());
            LedgerDelta d = deltas.computeIfAbsent(line.fileId(), k -> new LedgerDelta());
            d.linesRead++;
            LineOutcome outcome = pl.outcome();
            if (outcome instanceof LineOutcome.Recovered rec) {
                d.fragments++;
                quarantine(file, line, line.offset(), rec.fragmentLength(), "fragment", rec.fragmentError(), nowText);
                outcome = rec.inner();
            }
            if (outcome instanceof LineOutcome.Rows r) {
                String failure = storeFacts(r.facts(), plan, ctx, isolateLines);
                if (failure == null) {
                    d.linesWithRows++;
                    d.rows += r.facts().size();
                    rows += r.facts().size();
                    continue;
                }
                outcome = LineOutcome.reject("rows could not be stored: " + failure);
            }
            if (outcome instanceof LineOutcome.Skipped s) {
                d.skip(s.reason());
                skipped++;
            } else if (outcome instanceof LineOutcome.Rejected rj) {
                d.linesRejected++;
                rejected++;
                quarantine(file, line, line.offset(), line.length(), "line", rj.error(), nowText);
            }
        }
        for (FileRange r : batch.source().ranges()) {
            applyLedger(r, deltas.get(r.fileId()), nowText);
        }
        ctx.runBeforeCommit();
        return new Summary(batch.lines().size(), rows, skipped, rejected, batch.source().bytes());
    }

    /** Returns null when stored, else the error (only in isolated mode; otherwise failures propagate). */
    private String storeFacts(List<Fact> facts, Map<Fact, Fact> plan, WriteContext ctx, boolean isolate)
            throws SQLException {
        if (!isolate) {
            try {
                for (Fact f : facts) {
                    Fact planned = plan.getOrDefault(f, f);
                    if (planned != BatchPlanner.ABSORBED) {
                        writers.write(planned, ctx);
                    }
                }
                return null;
            } catch (SQLException e) {
                if (SqliteErrors.isBusy(e)) {
                    throw e;
                }
                ConversationsPending pending = db.pendingOnConversations(e);
                if (pending != null) {
                    throw pending; // not a bad line: it waits for the conversations file (split layout)
                }
                throw new LineWriteFailure(e);
            } catch (RuntimeException e) {
                throw new LineWriteFailure(e);
            }
        }
        exec("SAVEPOINT line");
        try {
            for (Fact f : facts) {
                writers.write(f, ctx);
            }
            exec("RELEASE line");
            return null;
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException && SqliteErrors.isBusy(e)) {
                throw (SQLException) e;
            }
            ConversationsPending pending = db.pendingOnConversations(e);
            if (pending != null) {
                throw pending; // the line is not bad: it waits for the conversations file (split layout)
            }
            exec("ROLLBACK TO line");
            exec("RELEASE line");
            ctx.txCache().clear();
            return String.valueOf(e.getMessage());
        }
    }

    private void advanceOffset(FileRange r, String endState, String now) throws SQLException {
        PreparedStatement ps = db.prepare("UPDATE ingest_files SET committed_offset = ?, marker_hash = ?, "
                + "marker_length = ?, parse_state = ?, last_commit_at = ? WHERE file_id = ? AND committed_offset = ?");
        ps.setLong(1, r.end());
        ps.setString(2, r.marker());
        ps.setInt(3, r.markerLength());
        ps.setString(4, endState);
        ps.setString(5, now);
        ps.setLong(6, r.fileId());
        ps.setLong(7, r.start());
        if (ps.executeUpdate() != 1) {
            throw new StaleBatchException(r.fileId(), r.start());
        }
        PreparedStatement log = db.prepare(
                "INSERT INTO ingest_commits(file_id, start_offset, end_offset, lines, committed_at) "
                        + "VALUES (?,?,?,?,?)");
        log.setLong(1, r.fileId());
        log.setLong(2, r.start());
        log.setLong(3, r.end());
        log.setInt(4, r.lines());
        log.setString(5, now);
        log.executeUpdate();
    }

    private void applyLedger(FileRange r, LedgerDelta d, String now) throws SQLException {
        PreparedStatement ps = db.prepare("UPDATE ingest_ledger SET lines_read = lines_read + ?, "
                + "lines_with_rows = lines_with_rows + ?, lines_skipped = lines_skipped + ?, "
                + "lines_rejected = lines_rejected + ?, fragments_recovered = fragments_recovered + ?, "
                + "rows_written = rows_written + ?, bytes_committed = bytes_committed + ?, "
                + "nul_bytes_skipped = nul_bytes_skipped + ?, nul_runs_skipped = nul_runs_skipped + ?, "
                + "batches = batches + 1 WHERE file_id = ?");
        ps.setLong(1, d.linesRead);
        ps.setLong(2, d.linesWithRows);
        ps.setLong(3, d.linesSkipped);
        ps.setLong(4, d.linesRejected);
        ps.setLong(5, d.fragments);
        ps.setLong(6, d.rows);
        ps.setLong(7, r.end() - r.start());
        ps.setLong(8, r.nulBytes());
        ps.setLong(9, r.nulRuns());
        ps.setLong(10, r.fileId());
        ps.executeUpdate();
        // the reasons of one file in one statement (a session file skips four or five kinds of record)
        List<Map.Entry<String, Long>> skips = new ArrayList<>(d.skips.entrySet());
        for (int from = 0; from < skips.size(); from += SKIPS_PER_STATEMENT) {
            int to = Math.min(skips.size(), from + SKIPS_PER_STATEMENT);
            List<Map.Entry<String, Long>> part = skips.subList(from, to);
            PreparedStatement s = db.prepare("INSERT INTO ingest_skips(file_id, reason, lines) VALUES "
                    + String.join(",", java.util.Collections.nCopies(part.size(), "(?,?,?)"))
                    + " ON CONFLICT(file_id, reason) DO UPDATE SET lines = ingest_skips.lines + excluded.lines");
            int i = 1;
            for (var e : part) {
                s.setLong(i++, r.fileId());
                s.setString(i++, e.getKey());
                s.setLong(i++, e.getValue());
            }
            s.executeUpdate();
        }
    }

    private void quarantine(SourceFile file, SourceLine line, long offset, long length, String kind, String error,
                            String now) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO ingest_rejects(file_id, path, byte_offset, length, kind, "
                + "error, head, rejected_at) VALUES (?,?,?,?,?,?,?,?)");
        ps.setLong(1, line.fileId());
        ps.setString(2, file == null ? "" : file.path());
        ps.setLong(3, offset);
        ps.setLong(4, length);
        ps.setString(5, kind);
        ps.setString(6, error);
        ps.setString(7, head(line));
        ps.setString(8, now);
        ps.executeUpdate();
    }

    /** The start of a line as readable text: invalid bytes replaced, control characters made visible. */
    static String head(SourceLine line) {
        byte[] b = line.content();
        String text = new String(b, 0, Math.min(b.length, SourceLine.HEAD_BYTES), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(Math.min(text.length(), HEAD_CHARS + 16));
        for (int i = 0; i < text.length() && sb.length() < HEAD_CHARS; i++) {
            char ch = text.charAt(i);
            if (ch == 0) {
                sb.append("\\0");
            } else if (ch < 0x20 && ch != '\t') {
                sb.append(String.format("\\x%02x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        if (line.flaw() == LineFlaw.TOO_LONG || text.length() > HEAD_CHARS) {
            sb.append("...");
        }
        return sb.toString();
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = db.withWriter(c -> c.createStatement())) {
            s.execute(sql);
        }
    }

    /** A fact of some line failed to store in a whole-batch write: redo the batch line by line. */
    private static final class LineWriteFailure extends RuntimeException {
        LineWriteFailure(Exception cause) {
            super(cause);
        }
    }

    /** The facts the writer will store for a batch: after its plan (when planned), absorbed ones left out. */
    public static List<Fact> factsToStore(ParsedBatch batch) {
        List<Fact> facts = factsOf(batch.lines());
        if (batch.plan() == null) {
            return facts;
        }
        List<Fact> out = new ArrayList<>(facts.size());
        for (Fact f : facts) {
            Fact planned = batch.plan().getOrDefault(f, f);
            if (planned != BatchPlanner.ABSORBED) {
                out.add(planned);
            }
        }
        return out;
    }

    /** Collects the facts of a list of lines (used by validation to recount rows). */
    public static List<Fact> factsOf(List<ParsedLine> lines) {
        List<Fact> out = new ArrayList<>();
        for (ParsedLine pl : lines) {
            LineOutcome o = pl.outcome();
            if (o instanceof LineOutcome.Recovered rec) {
                o = rec.inner();
            }
            if (o instanceof LineOutcome.Rows r) {
                out.addAll(r.facts());
            }
        }
        return out;
    }
}
