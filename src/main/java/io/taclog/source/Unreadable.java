package io.taclog.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files that could not be read: each is warned about once, until it is readable again. */
final class Unreadable {

    private static final Logger LOG = LoggerFactory.getLogger(Unreadable.class);

    private final Set<Path> reported = new HashSet<>();

    void report(Path path, IOException e) {
        if (reported.add(path)) {
            if (e instanceof AccessDeniedException) {
                LOG.warn("cannot read {} (permission denied); will retry", path);
            } else {
                LOG.warn("cannot read {}: {}; will retry", path, e.toString());
            }
        }
    }

    void readable(Path path) {
        reported.remove(path);
    }
}
