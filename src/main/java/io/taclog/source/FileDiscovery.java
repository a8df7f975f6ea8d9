package io.taclog.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the files of one tail source and opens them: walks the watched paths (or, between full walks, looks
 * only at what change notification reported), notices renames and files that left the watched paths, and
 * opens new files as far as the open-file cap allows, registered files first. Reading them is
 * {@link Tailer}'s job.
 */
final class FileDiscovery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileDiscovery.class);

    private final TailOptions opt;
    private final FileRegistry registry;
    private final HandlePool handles;
    private final Unreadable unreadable;
    /** Called for each file opened, to find or create its generation. */
    private final Consumer<TailedFile> opened;
    private final DirectoryScanner scanner;
    /** Scans between full walks look only at what change notification reported (TailOptions.watchChanges). */
    private final boolean watching;
    /** Files the last scan found that are not open yet (waiting for room under the open-file cap). */
    private final ArrayDeque<FileStat> toOpen = new ArrayDeque<>();
    private long lastScanNanos;
    private long lastFullScanNanos;
    private long fullWalks;
    private boolean scanned;

    FileDiscovery(TailOptions opt, FileRegistry registry, HandlePool handles, Unreadable unreadable,
                  Consumer<TailedFile> opened) {
        this.opt = opt;
        this.registry = registry;
        this.handles = handles;
        this.unreadable = unreadable;
        this.opened = opened;
        this.scanner = new DirectoryScanner(opt.roots(), opt.recursive(), opt.include(), opt.exclude());
        this.watching = opt.watchChanges() && scanner.watchChanges();
    }

    /** Whether a scan is due: the first one, or (not in a backfill) the scan interval has passed. */
    boolean due(long now) {
        // a backfill walks the tree once, then again only to confirm that nothing is left (rescanSoon)
        return !scanned || !opt.oneShot() && now - lastScanNanos >= opt.scanInterval().toNanos();
    }

    /** A due scan: a full walk, or between walks only the changed files. */
    void scan(long now) {
        if (watching && scanned && now - lastFullScanNanos < opt.fullScanInterval().toNanos()) {
            DirectoryScanner.Changed changed = scanner.changed();
            if (!changed.needsFullWalk()) {
                scanChanged(changed.files(), now);
                return;
            }
        }
        walk(now);
    }

    /** Walks the watched paths: new files, renames, files gone from every watched path. */
    private void walk(long now) {
        Set<FileKey> seen = new HashSet<>();
        List<FileStat> registered = new ArrayList<>();
        List<FileStat> unknown = new ArrayList<>();
        for (DirectoryScanner.Found found : scanner.listWithSizes()) {
            Path path = found.path();
            FileStat stat = found.stat();
            if (stat == null) {
                try {
                    Optional<FileStat> s = FileStat.of(path);
                    if (s.isEmpty()) {
                        continue;
                    }
                    stat = s.get();
                } catch (IOException e) {
                    unreadable.report(path, e);
                    continue;
                }
            }
            if (!seen.add(stat.key())) {
                continue; // a second link to a file already handled in this scan
            }
            consider(path, stat, registered, unknown);
        }
        // Files the registry knows are resolved first: a truncated original must be superseded before a
        // copy of it (copytruncate to a name that still matches) looks for a generation to adopt. Opening in
        // walk order let "app.1.jsonl" (sorted before "app.jsonl") register from byte 0 and be read twice.
        toOpen.clear();
        toOpen.addAll(registered);
        toOpen.addAll(unknown);
        openQueued(now);
        for (TailedFile tf : handles.open()) {
            if (!seen.contains(tf.key) && !tf.detached) {
                tf.detached = true;
                tf.lastGrowthNanos = now;
                LOG.info("file {} left the watched paths (rotated or deleted); draining its handle", tf.path);
            }
        }
        handles.retainIdle(seen);
        if (!scanned) {
            detachVanished(seen);
        }
        lastScanNanos = now;
        lastFullScanNanos = now;
        fullWalks++;
        scanned = true;
    }

    /**
     * A scan between full walks: only the files change notification reported as created or written to. Removals
     * and renames make the notification ask for a full walk instead, so nothing here detaches a file.
     */
    private void scanChanged(List<DirectoryScanner.Found> changed, long now) {
        List<FileStat> registered = new ArrayList<>();
        List<FileStat> unknown = new ArrayList<>();
        Set<FileKey> seen = new HashSet<>();
        for (DirectoryScanner.Found found : changed) {
            if (seen.add(found.stat().key())) {
                consider(found.path(), found.stat(), registered, unknown);
            }
        }
        toOpen.addAll(registered);
        toOpen.addAll(unknown);
        openQueued(now);
        lastScanNanos = now;
    }

    /** One file a scan found: followed already, idle and unchanged, or to be opened (registered first). */
    private void consider(Path path, FileStat stat, List<FileStat> registered, List<FileStat> unknown) {
        TailedFile tf = handles.get(stat.key());
        if (tf != null) {
            tf.detached = false;
            if (!tf.path.equals(path)) {
                LOG.info("file {} is now {} (renamed)", tf.path, path);
                tf.path = path;
                if (tf.registered()) {
                    registry.recordPath(tf.fileId, path);
                }
            }
            return;
        }
        FileStat known = handles.unchangedIdle(stat);
        if (known != null) {
            if (!known.path().equals(path)) {
                registry.findCurrent(opt.kind(), stat.key()).ifPresent(f -> registry.recordPath(f.fileId(), path));
            }
            return;
        }
        if (stat.size() == 0) {
            return;
        }
        (registry.findCurrent(opt.kind(), stat.key()).isPresent() ? registered : unknown).add(stat);
    }

    /**
     * At start: generations still marked active whose file is under no watched path any more were
     * deleted or moved away while taclog was stopped; mark them so, rather than active forever.
     */
    private void detachVanished(Set<FileKey> seen) {
        for (FileRegistry.StoredFile s : registry.findActive(opt.kind())) {
            if (!seen.contains(s.key())) {
                registry.markState(s.fileId(), FileRegistry.DETACHED,
                        "not under the watched paths at start (deleted or moved while taclog was stopped)");
            }
        }
    }

    /**
     * Opens files the last scan found, as far as the open-file cap allows. The rest wait in the queue for
     * room (files read to the end make room), so thousands of new files cost one directory walk, not one
     * walk per cap's worth of files.
     */
    void openQueued(long now) {
        while (!toOpen.isEmpty() && handles.makeRoomForOneMore()) {
            FileStat stat = toOpen.poll();
            if (handles.get(stat.key()) == null) {
                open(stat, now);
            }
        }
    }

    private void open(FileStat stat, long now) {
        Path path = stat.path();
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            unreadable.report(path, e);
            return;
        }
        try {
            Optional<FileStat> again = FileStat.of(path);
            if (again.isEmpty() || !again.get().key().equals(stat.key())) {
                ch.close(); // replaced between stat and open; the next scan sees the new file
                return;
            }
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to recover for a read-only handle
            }
            return;
        }
        unreadable.readable(path);
        TailedFile tf = new TailedFile(stat.key(), path, ch, now);
        handles.add(tf);
        opened.accept(tf);
    }

    /** Nothing found waits for room to be opened. */
    boolean nothingQueued() {
        return toOpen.isEmpty();
    }

    /** True once the watched paths have been walked (the first batch does it). */
    boolean scannedOnce() {
        return scanned || lastScanNanos != 0;
    }

    long fullWalks() {
        return fullWalks;
    }

    /** Forces a full walk on the next batch. */
    void rescanSoon() {
        scanned = false;
    }

    @Override
    public void close() {
        scanner.close();
    }
}
