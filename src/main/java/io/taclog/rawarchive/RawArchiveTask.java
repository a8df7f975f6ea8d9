package io.taclog.rawarchive;

import java.io.IOException;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's raw archive (route {@code raw-archive}, taclog.raw-archive.enabled): each tick of the route runs the
 * archiver once. A refusal or failure is logged and the next tick tries again; nothing the database holds depends on
 * it. Idle in a backfill (its wall time is the headline figure; taclog archive-raw does the same afterwards).
 */
public final class RawArchiveTask {

    private static final Logger LOG = LoggerFactory.getLogger(RawArchiveTask.class);

    /** Null when the raw archive is off or in a backfill. */
    private final RawArchiver archiver;
    private long runs;
    private long segments;

    public RawArchiveTask(RawArchiver archiver) {
        this.archiver = archiver;
    }

    /** One tick of the route. */
    public synchronized void run() {
        if (archiver == null) {
            return;
        }
        try {
            RawArchiver.Outcome o = archiver.run();
            segments += o.segments();
            if (o.segments() > 0 || o.missed() > 0 || o.recovered() > 0) {
                LOG.info("raw archive: {} segments ({} bytes, {} compressed) written to {}; {} ranges missed; {} "
                        + "resumed", o.segments(), o.bytes(), o.compressedBytes(), o.raw(), o.missed(), o.recovered());
            }
            for (String p : o.problems()) {
                LOG.debug("raw archive: {}", p);
            }
        } catch (IOException | SQLException | RuntimeException e) { // a refusal (RawArchiveRefused) too
            LOG.warn("raw archive failed, tried again at the next check: {}", e.getMessage());
        }
        runs++;
    }

    /** Ticks handled so far (tests wait on it). */
    public synchronized long runs() {
        return runs;
    }

    /** Segments written by this process. */
    public synchronized long segments() {
        return segments;
    }
}
