package io.taclog.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a tailer follows, in three sets:
 * <ul>
 *   <li><b>open</b>: with a handle, read as they grow; their number is capped;</li>
 *   <li><b>parked</b>: read to the end but with bytes still on their way to the writer; the handle is closed
 *       to make room under the cap (a backfill of thousands of small files would otherwise wait for every
 *       commit before opening the next file). A commit settles them; a failed batch sends them back to the
 *       next scan, which resumes them from their committed offset;</li>
 *   <li><b>idle</b>: closed, everything committed; remembered by size and modification time, so a change
 *       reopens them.</li>
 * </ul>
 * Keeps the open handles under the cap by closing the quietest file read to its end first, and closes drained
 * files that left the watched paths.
 */
final class HandlePool {

    private static final Logger LOG = LoggerFactory.getLogger(HandlePool.class);

    private final TailOptions opt;
    private final FileRegistry registry;
    private final Map<FileKey, TailedFile> open = new LinkedHashMap<>();
    private final Map<FileKey, TailedFile> parked = new HashMap<>();
    private final Map<Long, TailedFile> byId = new HashMap<>();
    private final Map<FileKey, FileStat> idle = new HashMap<>();

    HandlePool(TailOptions opt, FileRegistry registry) {
        this.opt = opt;
        this.registry = registry;
    }

    Collection<TailedFile> open() {
        return open.values();
    }

    /** The open or parked file with this identity, or null. */
    TailedFile get(FileKey key) {
        TailedFile tf = open.get(key);
        return tf != null ? tf : parked.get(key);
    }

    void add(TailedFile tf) {
        idle.remove(tf.key);
        open.put(tf.key, tf);
    }

    /** The open or parked file of a generation (files index themselves when they register). */
    TailedFile byId(long fileId) {
        TailedFile tf = byId.get(fileId);
        if (tf != null && tf.fileId == fileId && get(tf.key) == tf) {
            return tf;
        }
        for (TailedFile o : open.values()) {
            if (o.fileId == fileId) {
                byId.put(fileId, o);
                return o;
            }
        }
        return null;
    }

    /** Notes the generation an open file now belongs to (after it registered or restarted). */
    void indexed(TailedFile tf) {
        if (tf.registered()) {
            byId.put(tf.fileId, tf);
        }
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
            boolean readToEnd = tf.registered() && tf.channel != null && tf.lastSize >= 0 && tf.readPos >= tf.lastSize
                    && !tf.detached;
            if (readToEnd && (quietest == null || tf.lastGrowthNanos < quietest.lastGrowthNanos)) {
                quietest = tf;
            }
        }
        if (quietest == null) {
            LOG.debug("open-file cap {} reached; deferring new files", opt.maxOpenFiles());
            return false;
        }
        open.remove(quietest.key);
        if (quietest.settled()) {
            closeToIdle(quietest);
        } else {
            quietest.close();
            parked.put(quietest.key, quietest);
            byId.put(quietest.fileId, quietest);
        }
        return true;
    }

    /** A commit reached a parked file: once nothing of it is in flight, it becomes idle. */
    void settleIfParked(TailedFile tf) {
        if (parked.get(tf.key) == tf && tf.settled()) {
            parked.remove(tf.key);
            byId.remove(tf.fileId);
            remember(tf);
        }
    }

    /** Forgets one parked file (its batch failed), so that the next scan finds it again; false if not parked. */
    boolean release(TailedFile tf) {
        if (parked.get(tf.key) != tf) {
            return false;
        }
        parked.remove(tf.key);
        byId.remove(tf.fileId);
        idle.remove(tf.key);
        return true;
    }

    /**
     * A batch failed: parked files are forgotten (their handles are closed), so the next scan finds them again
     * and resumes each from its committed offset. Returns how many there were.
     */
    int releaseParked() {
        int n = parked.size();
        for (TailedFile tf : parked.values()) {
            byId.remove(tf.fileId);
            idle.remove(tf.key);
        }
        parked.clear();
        return n;
    }

    /** Closes drained files that left the watched paths, and caught-up files quiet for the idle time. */
    void closeFinishedAndIdle(long now) {
        var it = open.values().iterator();
        while (it.hasNext()) {
            TailedFile tf = it.next();
            long quiet = now - tf.lastGrowthNanos;
            // a file with bytes in flight stays open: if their batch fails they are read again from this handle
            boolean caughtUp = tf.caughtUp();
            if (tf.detached && caughtUp && quiet >= opt.rotateWait().toNanos()) {
                LOG.info("closing {} (drained after it left the watched paths)", tf.path);
                if (tf.registered()) {
                    registry.markState(tf.fileId, FileRegistry.DETACHED, "left the watched paths; drained");
                }
                tf.close();
                byId.remove(tf.fileId);
                it.remove();
            } else if (!tf.detached && caughtUp && tf.registered() && quiet >= opt.idleClose().toNanos()) {
                closeToIdle(tf);
                it.remove();
            }
        }
    }

    private void closeToIdle(TailedFile tf) {
        tf.close();
        byId.remove(tf.fileId);
        remember(tf);
    }

    private void remember(TailedFile tf) {
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

    /**
     * Bytes the files hold beyond their committed offsets, as of each file's last read (open files) or of its
     * last read before parking (parked files); idle files have none. Includes a partial last line.
     */
    long bytesBehind() {
        long total = 0;
        for (TailedFile tf : open.values()) {
            total += Math.max(0, Math.max(tf.lastSize, tf.readPos) - tf.committed);
        }
        for (TailedFile tf : parked.values()) {
            total += Math.max(0, tf.readPos - tf.committed);
        }
        return total;
    }

    /** Bytes read and handed on but not committed yet (on their way to the writer). */
    long bytesInFlight() {
        long total = 0;
        for (TailedFile tf : tracked()) {
            total += Math.max(0, tf.readPos - tf.committed);
        }
        return total;
    }

    int parkedFiles() {
        return parked.size();
    }

    int idleFiles() {
        return idle.size();
    }

    /** Open and parked files (everything that may still have bytes in flight). */
    List<TailedFile> tracked() {
        List<TailedFile> all = new ArrayList<>(open.values());
        all.addAll(parked.values());
        return all;
    }

    void closeAll() {
        open.values().forEach(TailedFile::close);
        open.clear();
        parked.clear();
        byId.clear();
        idle.clear();
    }
}
