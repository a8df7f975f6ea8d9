package io.taclog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SourceKindParser;
import io.taclog.model.Fact;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test format that stores every {@code {"src":..,"seq":..}} record as a row of {@code test_seen}, with the
 * file generation and byte offset it came from, so a test can prove each written line arrived exactly once
 * (a count alone would let one loss hide behind one duplicate).
 */
public final class SeenLines {

    /** The table the fact writer fills; created by the harness after migrating. */
    public static final String DDL = "CREATE TABLE IF NOT EXISTS test_seen (src TEXT NOT NULL, seq INTEGER NOT NULL, "
            + "file_id INTEGER NOT NULL, byte_offset INTEGER NOT NULL)";

    /** One seen record. */
    public record Seen(String src, long seq) implements Fact {
    }

    private SeenLines() {
    }

    /** Records with a "seq" become rows; other JSON objects stay "no handler" skips. */
    public static SourceKindParser parser(String kind) {
        return new SourceKindParser(kind, List.of(new Handler()), null);
    }

    /** Runs before each record is stored; may throw to simulate a failing store or a crash. */
    @FunctionalInterface
    public interface BeforeWrite {
        BeforeWrite NONE = s -> { };

        void accept(Seen seen) throws SQLException;
    }

    public static FactWriter<Seen> writer() {
        return writer(BeforeWrite.NONE);
    }

    /** A writer that fails with a (non-busy) SQL error for the records {@code failFor} selects. */
    public static FactWriter<Seen> failingFor(Predicate<Seen> failFor) {
        return writer(s -> {
            if (failFor.test(s)) {
                throw new SQLException("CHECK constraint failed: test refuses " + s);
            }
        });
    }

    public static FactWriter<Seen> writer(BeforeWrite hook) {
        return new FactWriter<>() {
            @Override
            public Class<Seen> type() {
                return Seen.class;
            }

            @Override
            public void write(Seen fact, WriteContext ctx) throws SQLException {
                hook.accept(fact);
                PreparedStatement ps = ctx.statement(
                        "INSERT INTO test_seen(src, seq, file_id, byte_offset) VALUES (?,?,?,?)");
                ps.setString(1, fact.src());
                ps.setLong(2, fact.seq());
                ps.setLong(3, ctx.line().fileId());
                ps.setLong(4, ctx.line().offset());
                ps.executeUpdate();
            }
        };
    }

    private static final class Handler implements RecordHandler {
        @Override
        public String format() {
            return "test";
        }

        @Override
        public boolean accepts(JsonNode record, ParseContext ctx) {
            return record.has("seq");
        }

        @Override
        public LineOutcome handle(JsonNode record, ParseContext ctx) {
            return LineOutcome.rows(new Seen(record.path("src").asText(), record.get("seq").asLong()));
        }
    }
}
