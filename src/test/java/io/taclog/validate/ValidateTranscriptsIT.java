package io.taclog.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.Sql;
import io.taclog.testing.SharedSamples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code taclog validate} re-parses the raw transcripts and checks, per worker, that the message count, the
 * API call count and the token sums in the database equal a fresh parse: green after a backfill of the real
 * samples, exit 1 with a report naming the worker once the database no longer matches the files.
 */
class ValidateTranscriptsIT {

    private static final String BUILDER_SESSION = "4600cf35-0b5e-4768-b1ad-4dba17c6a316";

    @TempDir
    Path tmp;
    Path db;

    record Run(int code, String out) {
    }

    private static Run taclog(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Main.run(args, ps, ps);
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }

    private void backfillTheSamples() {
        Path samples = SharedSamples.root();
        db = tmp.resolve("samples.db");
        Run r = taclog("backfill", "--db", db.toString(), "--watch", samples.toString(), "--no-progress",
                "--set", "taclog.include=*.jsonl,*.ndjson");
        assertEquals(Main.OK, r.code(), r.out());
    }

    private Run validate() {
        return taclog("validate", "--db", db.toString());
    }

    private String builderWorker() {
        return (String) Sql.rows(db, "SELECT worker_id FROM agent_sessions WHERE agent_session_id = ?", BUILDER_SESSION)
                .get(0).get("worker_id");
    }

    @Test
    void isGreenAfterABackfillOfTheRealSamplesAndRedWhenTheDatabaseNoLongerMatchesThem() {
        backfillTheSamples();
        Run ok = validate();
        assertEquals(Main.OK, ok.code(), ok.out());
        assertTrue(ok.out().contains("0 content problems"), ok.out());

        String worker = builderWorker();
        long callId = Sql.scalar(db, "SELECT MIN(call_id) FROM api_calls WHERE worker_id = ?", worker);
        Sql.exec(db, "UPDATE api_calls SET tokens_output = tokens_output + 7 WHERE call_id = " + callId);
        Run tampered = validate();
        assertEquals(Main.FAILURE, tampered.code(), tampered.out());
        assertTrue(tampered.out().contains("content mismatch: worker totals: worker " + worker + ":"),
                "the report names the worker: " + tampered.out());
        assertTrue(tampered.out().contains("tokens in/out/cache-read/cache-write 667/32391/"),
                "and what the raw files say: " + tampered.out());
        assertTrue(tampered.out().contains("667/32398/"), "and what the database holds: " + tampered.out());

        Sql.exec(db, "UPDATE api_calls SET tokens_output = tokens_output - 7 WHERE call_id = " + callId);
        assertEquals(Main.OK, validate().code(), "restored");

        Sql.exec(db, "DELETE FROM conversations WHERE conversation_id = (SELECT MAX(conversation_id) FROM "
                + "conversations WHERE worker_id = '" + worker + "')");
        Run deleted = validate();
        assertEquals(Main.FAILURE, deleted.code(), deleted.out());
        assertTrue(deleted.out().contains("raw files say 191 messages") && deleted.out().contains("holds 190 messages"),
                "a missing conversation row: " + deleted.out());
    }
}
