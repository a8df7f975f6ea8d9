package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer route's poll timeout: a stop waits up to one, so a backfill (which stops as soon as it has read
 * everything) polls every 10 ms, while the sidecar polls every 50 ms and wakes less often while idle.
 */
class WriterPollTimeoutIT {

    @TempDir
    Path tmp;

    private String pollTimeout(boolean backfill, String configured) throws Exception {
        Map<String, String> keys = new HashMap<>(Map.of("taclog.db", tmp.resolve("taclog.db").toString(),
                "taclog.watch", tmp.toString()));
        if (configured != null) {
            keys.put("taclog.writer.poll-timeout-ms", configured);
        }
        try (IngestRuntime runtime = IngestRuntime.open(TaclogConfig.load(Optional.empty(), keys), backfill)) {
            return CamelSidecar.camelProperties(runtime).getProperty("taclog.writer.poll-timeout-ms");
        }
    }

    @Test
    void autoIsShortInABackfillAndLongerInTheSidecar() throws Exception {
        assertEquals("10", pollTimeout(true, null));
        assertEquals("50", pollTimeout(false, null));
        assertEquals("50", pollTimeout(false, "auto"));
    }

    @Test
    void aConfiguredValueWinsInEitherMode() throws Exception {
        assertEquals("200", pollTimeout(true, "200"));
        assertEquals("200", pollTimeout(false, "200"));
    }
}
