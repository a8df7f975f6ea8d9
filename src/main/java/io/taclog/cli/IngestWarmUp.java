package io.taclog.cli;

import io.taclog.camel.CamelWarmUp;
import io.taclog.ingest.LineClassifier;
import java.nio.charset.StandardCharsets;

/**
 * Loads and initialises the classes a backfill or a sidecar needs next, on the second core while the first
 * parses the command line and opens the database: Jackson (the price table and every transcript line go through
 * it; its first use cost the main thread about 30 ms of class loading) and then Camel (whose start otherwise
 * waited for its own class loading and static initialisation, about half of it). Class initialisation is done
 * once per JVM, so the main thread either finds it done or waits for it; nothing runs twice.
 */
final class IngestWarmUp {

    /** A session-file line of the shapes the parsers see most (text, a tool call, usage). */
    private static final byte[] LINE = ("{\"type\":\"assistant\",\"sessionId\":\"warm-up\",\"timestamp\":"
            + "\"2026-01-01T00:00:00.000Z\",\"message\":{\"id\":\"msg_warm\",\"model\":\"claude-warm-up\",\"content\":"
            + "[{\"type\":\"text\",\"text\":\"warm\"},{\"type\":\"tool_use\",\"id\":\"toolu_warm\",\"name\":\"Bash\","
            + "\"input\":{\"command\":\"true\"}}],\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}")
            .getBytes(StandardCharsets.UTF_8);

    private IngestWarmUp() {
    }

    static void start() {
        Thread t = new Thread(IngestWarmUp::run, "taclog-ingest-warm-up");
        t.setDaemon(true);
        t.start();
    }

    static boolean run() {
        boolean json;
        try {
            json = LineClassifier.JSON.readTree(LINE).path("message").path("usage").path("output_tokens").asInt() == 2;
        } catch (Exception | LinkageError e) {
            json = false; // nothing depends on the warm-up: the real use reports whatever is wrong
        }
        return CamelWarmUp.warmUpNow() && json;
    }
}
