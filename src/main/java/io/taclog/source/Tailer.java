package io.taclog.source;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the files of one tail source and hands out batches of whole lines with their byte ranges. Finding
 * and opening the files is {@link FileDiscovery}'s job; this class reads them and keeps their offsets.
 *
 * <p>Identity is (device, inode) plus a hash of the first line, checked against an offset marker (a
 * hash of the bytes just before the committed offset) so that truncation, copytruncate, a rewrite
 * past the old offset and inode reuse all restart the file as a new generation from byte 0, while a
 * rename or rotation keeps reading the same handle. Files that vanish from the watched paths are
 * drained through their open handle. Offsets advance in memory only when the caller confirms that a
 * batch committed; a failed batch rewinds to what the registry holds.
 *
 * <p>Not thread-safe: one consumer thread drives it.
 */
public final class Tailer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Tailer.class);

    private final TailOptions opt;
    private final FileRegistry registry;
    private final Clock wallClock;
    private final LongSupplier nanoClock;
    private final LineScanner lineScanner;
    private final GenerationResolver generations;
    private final HandlePool handles;
    private final Unreadable unreadable = new Unreadable();
    private final FileDiscovery discovery;
    private int roundRobin;
    private boolean lastBatchEmpty;
    private boolean lastBatchScanned;

    public Tailer(TailOptions options, FileRegistry registry) {
        this(options, registry, Clock.systemUTC(), System::nanoTime);
    }

    public Tailer(TailOptions options, FileRegistry registry, Clock wallClock, LongSupplier nanoClock) {
        this.opt = options;
        this.registry = registry;
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
        this.lineScanner = new LineScanner(options.maxLineBytes());
        this.generations = new GenerationResolver(options.kind(), registry);
        this.handles = new HandlePool(options, registry);
        this.discovery = new FileDiscovery(options, registry, handles, unreadable, this::resolve);
    }

    public TailOptions options() {
        return opt;
    }

    /**
     * Reads the next batch: at most the configured lines and bytes, round-robin over files with data.
     * Returns an empty batch when no complete line is available.
     */
    public TailBatch nextBatch() throws IOException {
        long now = nanoClock.getAsLong();
        boolean didScan = discovery.due(now);
        if (didScan) {
            supersedeTruncated();
            discovery.scan(now);
        } else {
            discovery.openQueued(now);
        }
        List<SourceLine> lines = new ArrayList<>();
        List<FileRange> ranges = new ArrayList<>();
        Map<Long, SourceFile> files = new HashMap<>();
        Map<Long, String> states = new HashMap<>();
        List<TailedFile> order = new ArrayList<>(handles.open());
        int n = order.size();
        int start = n == 0 ? 0 : Math.floorMod(roundRobin++, n);
        long bytesLeft = opt.batchMaxBytes();
        int linesLeft = opt.batchMaxLines();
        for (int i = 0; i < n && bytesLeft > 0 && linesLeft > 0; i++) {
            TailedFile tf = order.get((start + i) % n);
            FileRange r = readFrom(tf, lines, linesLeft, bytesLeft);
            if (r != null) {
                ranges.add(r);
                files.put(tf.fileId, new SourceFile(tf.fileId, tf.path.toString(), opt.kind()));
                states.put(tf.fileId, tf.readState); // readFrom moved readPos, not the state at the range start
                bytesLeft -= r.end() - r.start();
                linesLeft -= r.lines();
            }
        }
        handles.closeFinishedAndIdle(nanoClock.getAsLong());
        if (ranges.isEmpty()) {
            registry.flush(); // no batch to carry identity changes (a drained file detached, a truncation)
        }
        lastBatchEmpty = ranges.isEmpty();
        lastBatchScanned = didScan;
        return new TailBatch(lines, ranges, files, states, wallClock.instant());
    }

    /**
     * True when the last batch was empty although a directory scan preceded it: everything readable has
     * been read (used by backfill to know when to stop).
     */
    public boolean drained() {
        return lastBatchEmpty && lastBatchScanned && discovery.nothingQueued();
    }

    /** True once the watched paths have been walked (the first batch does it). */
    public boolean scannedOnce() {
        return discovery.scannedOnce();
    }

    /** How many times the watched paths were walked whole (the rest of the scans looked at changes only). */
    public long fullWalks() {
        return discovery.fullWalks();
    }

    /** Forces a directory scan on the next batch. */
    public void rescanSoon() {
        discovery.rescanSoon();
    }

    /**
     * Records the parser state at the end of each range of a batch that was parsed but may not be committed
     * yet, so that the file's next batch can be read and parsed while this one is on its way to the writer.
     */
    public void parsed(TailBatch batch, Map<Long, String> endStates) {
        for (FileRange r : batch.ranges()) {
            TailedFile tf = handles.byId(r.fileId());
            if (tf != null && tf.readPos == r.end()) {
                tf.readState = endStates.get(r.fileId());
            }
        }
    }

    /** Moves the in-memory committed positions to the ends of a batch that the writer committed. */
    public void confirm(TailBatch batch, Map<Long, String> endStates) {
        for (FileRange r : batch.ranges()) {
            TailedFile tf = handles.byId(r.fileId());
            if (tf == null) {
                continue;
            }
            tf.committed = r.end();
            tf.committedState = endStates.get(r.fileId());
            tf.marker = r.marker();
            tf.markerLength = r.markerLength();
            if (tf.readPos <= r.end()) {
                tf.readPos = r.end();
                tf.readState = tf.committedState;
                tf.readMarker = r.marker();
                tf.readMarkerLength = r.markerLength();
            }
            handles.settleIfParked(tf);
        }
    }

    /** Rewinds every file of a failed batch to the offset the registry really holds. */
    public void rollback(TailBatch batch) {
        for (FileRange r : batch.ranges()) {
            TailedFile tf = handles.byId(r.fileId());
            if (tf == null) {
                continue;
            }
            if (tf.channel != null) {
                rewind(tf);
            } else if (handles.release(tf)) {
                rescanSoon(); // parked: the next scan finds it again and resumes it from its commit
            }
        }
    }

    /**
     * Rewinds every open file to its committed offset: after a failed batch, once no other batch is in
     * flight, everything read beyond the last commit is read again.
     */
    public void rewindAll() {
        for (TailedFile tf : handles.open()) {
            if (tf.registered()) {
                rewind(tf);
            }
        }
        if (handles.releaseParked() > 0) {
            rescanSoon(); // closed files with bytes in flight: found again by the scan, resumed from their commit
        }
    }

    private void rewind(TailedFile tf) {
        Optional<FileRegistry.StoredFile> stored = registry.reload(tf.fileId);
        if (stored.isPresent() && !FileRegistry.SUPERSEDED.equals(stored.get().state())) {
            tf.adopt(stored.get());
        } else {
            tf.rewindToCommitted();
        }
    }

    /** True when no file has bytes read but not committed (nothing in flight). */
    public boolean settled() {
        for (TailedFile tf : handles.tracked()) {
            if (!tf.settled()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Ends the generation of every open file that is now shorter than its committed offset, before the
     * scan resolves new files: the copy of a file truncated since the last batch can then adopt the
     * committed offset instead of being registered from byte 0 (which read its committed lines twice).
     */
    private void supersedeTruncated() {
        for (TailedFile tf : new ArrayList<>(handles.open())) {
            if (!tf.registered() || tf.channel == null || tf.readPos != tf.committed) {
                continue;
            }
            try {
                long size = tf.channel.size();
                if (size < tf.readPos) {
                    restartGeneration(tf, "truncated to " + size + " bytes below offset " + tf.readPos);
                }
            } catch (IOException e) {
                LOG.warn("cannot stat open file {}: {}", tf.path, e.toString());
            }
        }
    }

    /** Finds or creates the registry generation for an open file whose first line is complete. */
    private void resolve(TailedFile tf) {
        try {
            generations.resolve(tf);
            handles.indexed(tf);
        } catch (IOException e) {
            unreadable.report(tf.path, e);
        }
    }

    private FileRange readFrom(TailedFile tf, List<SourceLine> out, int linesLeft, long bytesLeft)
            throws IOException {
        if (tf.channel == null) {
            return null;
        }
        long now = nanoClock.getAsLong();
        long size;
        try {
            size = tf.channel.size();
        } catch (IOException e) {
            LOG.warn("cannot stat open file {}: {}", tf.path, e.toString());
            return null;
        }
        if (size != tf.lastSize) {
            tf.lastSize = size;
            tf.lastGrowthNanos = now;
        }
        if (!tf.registered()) {
            resolve(tf);
            if (!tf.registered()) {
                return null;
            }
        }
        if (size < tf.readPos) {
            restartGeneration(tf, "truncated to " + size + " bytes below offset " + tf.readPos);
            return null;
        }
        boolean finalRead = tf.detached && now - tf.lastGrowthNanos >= opt.rotateWait().toNanos();
        if (size == tf.readPos) {
            return null;
        }
        if (!Fingerprints.markerMatches(tf.channel, tf.readPos, tf.readMarker, tf.readMarkerLength)) {
            restartGeneration(tf, "bytes before offset " + tf.readPos + " changed (truncated and rewritten)");
            return null;
        }
        long from = tf.readPos;
        int before = out.size();
        LineScanner.Limits limits = new LineScanner.Limits(opt.maxLineBytes(), linesLeft, bytesLeft);
        // a file that can no longer grow has no writer left to fill a hole: skip holes at once
        LineScanner.HolePolicy holes = finalRead ? LineScanner.HolePolicy.ALWAYS : holePolicy(tf);
        LineScanner.Result r = lineScanner.scan(tf.channel, tf.fileId, from, size, limits, holes, finalRead,
                tf.oversize, out);
        tf.oversize = r.oversize();
        if (r.consumedTo() == from) {
            return null;
        }
        tf.readPos = r.consumedTo();
        int markerLength = Fingerprints.markerLength(r.consumedTo(), r.lastLineStart());
        String marker = Fingerprints.marker(tf.channel, r.consumedTo(), markerLength);
        tf.readMarker = marker;
        tf.readMarkerLength = markerLength;
        return new FileRange(tf.fileId, from, r.consumedTo(), out.size() - before, r.nulBytes(), r.nulRuns(), marker,
                markerLength);
    }

    private LineScanner.HolePolicy holePolicy(TailedFile tf) {
        if (opt.oneShot() || opt.holeGrace().isZero()) {
            return LineScanner.HolePolicy.ALWAYS;
        }
        long grace = opt.holeGrace().toNanos();
        return holeStart -> {
            long now = nanoClock.getAsLong();
            if (tf.holeStart != holeStart) {
                tf.holeStart = holeStart;
                tf.holeSeenNanos = now;
                return false;
            }
            return now - tf.holeSeenNanos >= grace;
        };
    }

    private void restartGeneration(TailedFile tf, String why) {
        try {
            generations.restart(tf, why);
            handles.indexed(tf);
        } catch (IOException e) {
            unreadable.report(tf.path, e);
        }
    }

    /** Number of open file handles (for metrics and the open-file cap test). */
    public int openFiles() {
        return handles.openHandles();
    }

    /** Bytes present in open files that are not complete lines yet (partial last lines). */
    public long pendingBytes() {
        return handles.pendingBytes();
    }

    /**
     * What this tailer follows and how far behind it is, for the metrics endpoint: a walk over the open and parked
     * files (at most the open-file cap plus the parked ones), asked once per poll and only when metrics are on.
     *
     * @param bytesBehind bytes in followed files beyond their committed offsets (a partial last line included)
     * @param bytesInFlight bytes read and handed to the route but not committed yet
     */
    public record Stats(long bytesBehind, long bytesInFlight, int openFiles, int parkedFiles, int idleFiles) {
    }

    public Stats stats() {
        return new Stats(handles.bytesBehind(), handles.bytesInFlight(), handles.open().size(), handles.parkedFiles(),
                handles.idleFiles());
    }

    @Override
    public void close() {
        handles.closeAll();
        discovery.close();
        lineScanner.trim();
    }
}
