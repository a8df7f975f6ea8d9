package io.taclog.source;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-change notification of the watched directories (inotify on Linux), so that a scan between full walks
 * looks only at what changed: with 20,000 files, walking and stat-ing them all every second cost about 15 % of
 * a core while nothing happened.
 *
 * <p>Only what a partial look can handle safely is reported as changed files: a file created or written to.
 * Anything else (a file or directory removed or renamed away, a new directory, lost events, a directory that
 * can no longer be watched) asks for a full walk, which also keeps identity, rotation and deletion handling in
 * one place. Platforms whose watch service only polls (the JDK's fallback) are not used: a full walk is cheaper
 * than a second walker.
 */
final class ChangeWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatch.class);

    /** What happened since the last look. */
    record Changes(boolean needsFullWalk, Set<Path> files) {
    }

    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();

    private ChangeWatch(WatchService service) {
        this.service = service;
    }

    /** A watch, or null where the platform has no native notification. */
    static ChangeWatch open() {
        try {
            WatchService ws = FileSystems.getDefault().newWatchService();
            if (ws.getClass().getName().contains("Polling")) {
                ws.close();
                return null;
            }
            return new ChangeWatch(ws);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("no file-change notification ({}); watched paths are walked at every scan", e.toString());
            return null;
        }
    }

    /** Watches a directory the walk visited (again: a no-op for one watched already). */
    boolean register(Path dir) {
        WatchKey k = keys.get(dir);
        if (k != null && k.isValid()) {
            return true;
        }
        try {
            keys.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
            return true;
        } catch (IOException | RuntimeException e) {
            // e.g. the inotify watch limit: this directory then falls back to the periodic full walk
            LOG.warn("cannot watch {} for changes ({}); it is seen by the full walks only", dir, e.toString());
            return false;
        }
    }

    /** Drains what the system reported since the last call. */
    Changes poll() {
        boolean full = false;
        Set<Path> files = new LinkedHashSet<>();
        try {
            WatchKey key;
            while ((key = service.poll()) != null) {
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW
                            || e.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
                        full = true;
                        continue;
                    }
                    Path child = dir.resolve((Path) e.context());
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && java.nio.file.Files.isDirectory(child)) {
                        full = true; // a new directory: the walk registers it and finds what is inside
                    } else {
                        files.add(child);
                    }
                }
                if (!key.reset()) {
                    keys.remove(dir);
                    full = true; // the directory went away
                }
            }
        } catch (ClosedWatchServiceException e) {
            full = true;
        }
        return new Changes(full, files);
    }

    /** Directories being watched (for tests and the log). */
    List<Path> watched() {
        return new ArrayList<>(keys.keySet());
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the change watch: {}", e.toString());
        }
    }
}
