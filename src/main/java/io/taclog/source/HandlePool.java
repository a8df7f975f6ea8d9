package io.taclog.source;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a tailer has open, and the ones it closed while they were quiet (remembered by size and
 * modification time, so a change reopens them). Keeps the number of handles under the cap by closing
 * the quietest caught-up file first, and closes drained files that left the watched paths.
 */
final class HandlePool {

    private static final Logger LOG = LoggerFactory.getLogger(HandlePool.class);

    private final TailOptions opt;
    private final FileRegistry registry;
    private final Map<FileKey, TailedFile> open = new LinkedHashMap<>();
    private final Map<FileKey, FileStat> idle = new HashMap<>();

    HandlePool(TailOptions opt, FileRegistry registry) {
        this.opt = opt;
        this.registry = registry;
    }

    Collection<TailedFile> open() {
        return open.values();
    }

    TailedFile get(FileKey key) {
        return open.get(key);
    }

    void add(TailedFile tf) {
        idle.remove(tf.key);
        open.put(tf.key, tf);
    }

    TailedFile byId(long fileId) {
        for (TailedFile tf : open.values()) {
            if (tf.fileId == fileId) {
                return tf;
            }
        }
        return null;
    }

    /** The idle record of a closed file if the file has not changed since it was closed, else null. */
    FileStat unchangedIdle(FileStat now) {
        FileStat known = idle.get(now.key());
        if (known == null || known.size() != now.size() || known.modifiedMillis() != now.modifiedMillis()) {
            return null;
        }
        if (!known.path().equals(now.path())) {
            idle.put(now.key(), now); // renamed while closed
        }
        return known;
    }

    /** Forgets closed files that are no longer under any watched path. */
    void retainIdle(Set<FileKey> seen) {
        idle.keySet().retainAll(seen);
    }

    /** Makes room for one more handle under the cap; false when every open file still has work. */
    boolean makeRoomForOneMore() {
        if (open.size() < opt.maxOpenFiles()) {
            return true;
        }
        TailedFile quietest = null;
        for (TailedFile tf : open.values()) {
            boolean caughtUp = tf.registered() && tf.lastSize >= 0 && tf.readPos >= tf.lastSize && !tf.detached;
            if (caughtUp && (quietest == null || tf.lastGrowthNanos < quietest.lastGrowthNanos)) {
                quietest = tf;
            }
        }
        if (quietest == null) {
            LOG.debug("open-file cap {} reached; deferring new files", opt.maxOpenFiles());
            return false;
        }
        open.remove(quietest.key);
        closeToIdle(quietest);
        return true;
    }

    /** Closes drained files that left the watched paths, and caught-up files quiet for the idle time. */
    void closeFinishedAndIdle(long now) {
        var it = open.values().iterator();
        while (it.hasNext()) {
            TailedFile tf = it.next();
            long quiet = now - tf.lastGrowthNanos;
            boolean caughtUp = tf.channel != null && tf.lastSize >= 0 && tf.readPos >= tf.lastSize;
            if (tf.detached && caughtUp && quiet >= opt.rotateWait().toNanos()) {
                LOG.info("closing {} (drained after it left the watched paths)", tf.path);
                if (tf.registered()) {
                    registry.markState(tf.fileId, FileRegistry.DETACHED, "left the watched paths; drained");
                }
                tf.close();
                it.remove();
            } else if (!tf.detached && caughtUp && tf.registered() && quiet >= opt.idleClose().toNanos()) {
                closeToIdle(tf);
                it.remove();
            }
        }
    }

    private void closeToIdle(TailedFile tf) {
        tf.close();
        try {
            // Remember the size that was read, not the size now: bytes appended since the last read (the
            // cap can close a file whose lastSize is stale, and an idle close can race an append) must make
            // the next scan reopen the file. Recording the current size stranded them until the next growth.
            FileStat.of(tf.path).filter(s -> s.key().equals(tf.key)).ifPresent(s ->
                    idle.put(tf.key, new FileStat(s.path(), s.key(), tf.readPos, s.modifiedMillis())));
        } catch (IOException e) {
            LOG.debug("cannot stat {} while closing it: {}", tf.path, e.toString());
        }
    }

    int openHandles() {
        return (int) open.values().stream().filter(f -> f.channel != null).count();
    }

    long pendingBytes() {
        long total = 0;
        for (TailedFile tf : open.values()) {
            if (tf.lastSize > tf.readPos) {
                total += tf.lastSize - tf.readPos;
            }
        }
        return total;
    }

    void closeAll() {
        open.values().forEach(TailedFile::close);
        open.clear();
        idle.clear();
    }
}
