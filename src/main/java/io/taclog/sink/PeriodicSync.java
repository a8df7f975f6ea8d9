package io.taclog.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces a file to disk every so often on a thread of its own, so that the one fsync a fresh load needs at its
 * end ({@link FreshLoad}) finds little left to write. Without it the kernel kept the whole 185 MB of the
 * benchmark load in memory and the final fsync added 0.2-0.3 s to a 5 s load; with it the writing overlaps
 * the parsing. The data's safety does not depend on it: the publish forces the file again.
 */
final class PeriodicSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicSync.class);

    private final Path file;
    private final long intervalMillis;
    private final Thread thread;
    private volatile boolean running = true;

    PeriodicSync(Path file, long intervalMillis) {
        this.file = file;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "taclog-periodic-sync");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (running) {
                Thread.sleep(intervalMillis);
                ch.force(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("periodic sync of {} stopped: {}", file, e.getMessage()); // the final fsync still runs
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
