package io.taclog.source;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which registry generation an open file continues: the stored one when its first line and
 * offset marker still match, otherwise a new generation from byte 0, or, for a copy of a truncated file
 * (copytruncate), from the offset where the truncated generation stopped.
 */
final class GenerationResolver {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationResolver.class);

    private final String kind;
    private final FileRegistry registry;

    GenerationResolver(String kind, FileRegistry registry) {
        this.kind = kind;
        this.registry = registry;
    }

    /** Registers {@code tf} with its generation; leaves it unregistered while its first line is incomplete. */
    void resolve(TailedFile tf) throws IOException {
        long size = tf.channel.size();
        String firstLine = Fingerprints.firstLineHash(tf.channel, size);
        if (firstLine == null) {
            return;
        }
        Optional<FileRegistry.StoredFile> current = registry.findCurrent(kind, tf.key);
        if (current.isPresent()) {
            FileRegistry.StoredFile s = current.get();
            if (s.firstLineHash().equals(firstLine) && s.committedOffset() <= size
                    && Fingerprints.markerMatches(tf.channel, s.committedOffset(), s.marker(), s.markerLength())) {
                continueStored(tf, s);
                return;
            }
            String why = !s.firstLineHash().equals(firstLine) ? "first line changed (rewritten or inode reused)"
                    : s.committedOffset() > size ? "file shorter than committed offset (truncated)"
                    : "bytes before the committed offset changed (truncated and rewritten)";
            LOG.info("{}: {}; reading it again from byte 0 as a new generation", tf.path, why);
            registry.markState(s.fileId(), FileRegistry.SUPERSEDED, why);
        }
        tf.adopt(newGeneration(tf, firstLine, size));
    }

    /** Ends the current generation of {@code tf} and starts the next one. */
    void restart(TailedFile tf, String why) throws IOException {
        LOG.info("{}: {}; reading it again from byte 0 as a new generation", tf.path, why);
        registry.markState(tf.fileId, FileRegistry.SUPERSEDED, why);
        tf.resetToUnregistered();
        resolve(tf);
    }

    private void continueStored(TailedFile tf, FileRegistry.StoredFile s) {
        tf.adopt(s);
        if (!tf.path.toString().equals(s.path())) {
            registry.recordPath(s.fileId(), tf.path);
        }
        if (FileRegistry.DETACHED.equals(s.state())) {
            registry.markState(s.fileId(), FileRegistry.ACTIVE, "seen again at " + tf.path);
        }
    }

    /** A new generation; a copy of a truncated file (another inode, same bytes up to its offset) resumes there. */
    private FileRegistry.StoredFile newGeneration(TailedFile tf, String firstLine, long size) throws IOException {
        for (FileRegistry.StoredFile old : registry.findSuperseded(kind, firstLine)) {
            if (!old.key().equals(tf.key) && old.committedOffset() <= size
                    && Fingerprints.markerMatches(tf.channel, old.committedOffset(), old.marker(),
                            old.markerLength())) {
                LOG.info("{} is a copy of truncated file {} ({}); resuming at byte {}", tf.path, old.fileId(),
                        old.path(), old.committedOffset());
                return registry.register(kind, tf.key, firstLine, tf.path, old.committedOffset(), old.parseState(),
                        old.fileId());
            }
        }
        return registry.register(kind, tf.key, firstLine, tf.path, 0, null, null);
    }
}
