package io.taclog.rawarchive;

import io.taclog.source.FileStat;
import io.taclog.source.Fingerprints;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Finds a file that still holds a generation's committed bytes, with the sidecar's own identity checks: the
 * (device, inode) expected at the path, the first-line hash, and the offset markers at the end of the last archived
 * range and at the committed offset (a hash of the last bytes of the line before each). A file that passes holds the
 * bytes the database committed, as far as the sidecar itself would tell.
 */
final class SourceBytes {

    /** An open file holding the bytes, and its last modification time. */
    record Found(FileChannel channel, String path, long modifiedMillis) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Where the generation's bytes were looked for and why none held them. */
    record Lookup(Found found, String missing) {
    }

    private SourceBytes() {
    }

    static Lookup find(RawArchiveLog.Generation g, List<RawArchiveLog.Place> places) {
        String why = "no file at any path it was seen at";
        for (RawArchiveLog.Place p : places) {
            try {
                Optional<FileStat> st = FileStat.of(p.path());
                if (st.isEmpty() || !st.get().key().equals(p.key())) {
                    continue;
                }
                FileChannel ch = FileChannel.open(p.path(), StandardOpenOption.READ);
                String wrong = check(ch, g);
                if (wrong == null) {
                    return new Lookup(new Found(ch, p.path().toString(), st.get().modifiedMillis()), null);
                }
                ch.close();
                why = p.path() + ": " + wrong;
            } catch (IOException e) {
                why = "cannot read " + p.path() + ": " + e.getMessage();
            }
        }
        return new Lookup(null, why);
    }

    /** Null when {@code ch} holds the generation's bytes up to its committed offset, else what differs. */
    static String check(FileChannel ch, RawArchiveLog.Generation g) throws IOException {
        long size = ch.size();
        if (size < g.committed()) {
            return "shorter (" + size + " bytes) than the committed offset " + g.committed();
        }
        if (!g.identity().firstLineHash().equals(Fingerprints.firstLineHash(ch, size))) {
            return "its first line is not the generation's";
        }
        if (!Fingerprints.markerMatches(ch, g.committed(), g.marker(), g.markerLength())) {
            return "the bytes before the committed offset " + g.committed() + " changed";
        }
        if (g.lastRowState() != null
                && !Fingerprints.markerMatches(ch, g.archivedTo(), g.archivedMarker(), g.archivedMarkerLength())) {
            return "the bytes before the archived offset " + g.archivedTo() + " changed";
        }
        return null;
    }
}
