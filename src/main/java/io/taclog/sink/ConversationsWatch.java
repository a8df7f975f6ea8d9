package io.taclog.sink;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks, on a thread of its own, whether the split layout's conversations file is still the attached file and
 * writable, and whether a file that went away is back ({@link Database#checkConversations}). Off the write path:
 * a batch never pays for the check, and a single-file database never starts one. A write that failed with an I/O
 * error asks for a check at once ({@link #nudge}).
 */
final class ConversationsWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationsWatch.class);

    private final Database db;
    private final ScheduledExecutorService timer;

    ConversationsWatch(Database db, long everyMillis) {
        this.db = db;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "taclog-conversations-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** Checks now (after a write failed on the file), on the watch's thread. */
    void nudge() {
        try {
            timer.execute(this::check);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down
        }
    }

    private void check() {
        try {
            db.checkConversations();
        } catch (Exception | Error e) {
            LOG.warn("checking the conversations file failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
