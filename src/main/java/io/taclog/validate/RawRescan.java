package io.taclog.validate;

import io.taclog.ingest.BatchParser;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.ParsedLine;
import io.taclog.source.FileRange;
import io.taclog.source.LineScanner;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a file generation's committed bytes again, in chunks from its stored start state, and tallies
 * what the parser makes of each line; every content check sees each re-parsed line on the way.
 */
final class RawRescan {

    private static final int CHUNK_LINES = 5000;
    private static final long CHUNK_BYTES = 32L * 1024 * 1024;

    private final BatchParser parser;
    private final int maxLineBytes;
    private final List<ContentCheck> checks;

    RawRescan(BatchParser parser, int maxLineBytes, List<ContentCheck> checks) {
        this.parser = parser;
        this.maxLineBytes = maxLineBytes;
        this.checks = checks;
    }

    /** The tally of the raw bytes between the generation's start and its committed offset. */
    LineTally rescan(Connection db, FileChannel ch, StoredFile f) throws IOException, SQLException {
        Set<Long> failedToStore = Bookkeeping.storeFailures(db, f.fileId());
        LineTally t = new LineTally();
        LineScanner scanner = new LineScanner(maxLineBytes);
        SourceFile file = new SourceFile(f.fileId(), f.path(), f.kind());
        boolean endsWithoutNewline = f.committed() > f.start()
                && LineScanner.read(ch, f.committed() - 1, 1)[0] != '\n';
        String state = f.startState();
        long pos = f.start();
        Instant observed = Instant.now();
        while (pos < f.committed()) {
            List<SourceLine> lines = new ArrayList<>();
            LineScanner.Result r = scanner.scan(ch, f.fileId(), pos, f.committed(),
                    new LineScanner.Limits(maxLineBytes, CHUNK_LINES, CHUNK_BYTES), LineScanner.HolePolicy.ALWAYS,
                    endsWithoutNewline, null, lines);
            if (r.consumedTo() == pos) {
                t.bytes += 0;
                break;
            }
            t.nulBytes += r.nulBytes();
            t.nulRuns += r.nulRuns();
            t.bytes += r.consumedTo() - pos;
            FileRange range = new FileRange(f.fileId(), pos, r.consumedTo(), lines.size(), r.nulBytes(), r.nulRuns(),
                    null, 0);
            Map<Long, String> states = new HashMap<>();
            states.put(f.fileId(), state);
            TailBatch batch = new TailBatch(lines, List.of(range), Map.of(f.fileId(), file), states, observed);
            ParsedBatch parsed = parser.parse(batch);
            for (ParsedLine pl : parsed.lines()) {
                tally(t, pl, failedToStore);
                for (ContentCheck c : checks) {
                    c.accept(file, pl);
                }
            }
            state = parsed.endStates().get(f.fileId());
            pos = r.consumedTo();
        }
        return t;
    }

    private static void tally(LineTally t, ParsedLine pl, Set<Long> failedToStore) {
        t.linesRead++;
        LineOutcome o = pl.outcome();
        if (o instanceof LineOutcome.Recovered rec) {
            t.fragments++;
            o = rec.inner();
        }
        if (o instanceof LineOutcome.Rows r) {
            if (failedToStore.contains(pl.line().offset())) {
                t.rejected++;
            } else {
                t.withRows++;
                t.rows += r.facts().size();
            }
        } else if (o instanceof LineOutcome.Skipped s) {
            t.skips.merge(s.reason(), 1L, Long::sum);
        } else {
            t.rejected++;
        }
    }
}
