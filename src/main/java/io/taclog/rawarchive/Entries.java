package io.taclog.rawarchive;

import java.util.List;

/** Manifest entries of a generation's ranges: what the database knows of it, with where it was found. */
final class Entries {

    private final SourceRoots roots;

    Entries(SourceRoots roots) {
        this.roots = roots;
    }

    /** The entry of {@code [archivedTo, committed)}: a segment ({@code written} non-null) or a missed range. */
    ManifestEntry next(RawArchiveLog.Generation g, String name, SegmentFiles.Written written, String reason,
                       List<ManifestEntry.Observed> observed, String now) {
        return of(g, g.archivedTo(), g.committed(), g.stateAtArchivedTo(), g.parseState(), g.marker(),
                g.markerLength(), name, written == null ? null : written.compressedBytes(),
                written == null ? null : written.sha256(), reason, observed, now);
    }

    ManifestEntry of(RawArchiveLog.Generation g, long from, long to, String startState, String endState,
                     String endMarker, int endMarkerLength, String name, Long compressed, String sha, String reason,
                     List<ManifestEntry.Observed> observed, String now) {
        String[] where = roots.locate(g.identity().kind(), g.path());
        return new ManifestEntry(name, g.identity().kind(), g.path(), where[0], where[1], g.fileId(), g.identity(),
                g.adoptedFrom(), g.state(), from, to, compressed, sha, startState, endState, endMarker, endMarkerLength,
                observed, reason, now);
    }
}
