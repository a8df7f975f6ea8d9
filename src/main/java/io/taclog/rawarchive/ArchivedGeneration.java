package io.taclog.rawarchive;

import java.util.List;

/**
 * One file generation as the archive holds it: its segments from the generation's start, contiguous ({@code chain}),
 * and what the archive lists after a hole in them ({@code afterGap}: bytes it cannot re-read in order, since the
 * parse of a line depends on the lines before it).
 *
 * @param gap what the hole is (missed before archiving, or bytes in no segment), null when there is none
 */
public record ArchivedGeneration(long id, GenerationIdentity identity, String path, Long adoptedFrom,
                                 String lastState, List<ManifestEntry> chain, List<ManifestEntry> afterGap,
                                 String gap) {

    /** The end of the contiguous bytes: the generation's start when the chain is empty. */
    public long end() {
        return chain.isEmpty() ? identity.start() : chain.get(chain.size() - 1).to();
    }

    public long bytes() {
        return end() - identity.start();
    }

    /** When the first of its bytes was committed (orders a restore like the original ingest). */
    long firstObservedMillis() {
        for (ManifestEntry e : chain) {
            if (!e.observed().isEmpty()) {
                return e.observed().get(0).epochMillis();
            }
        }
        return Long.MAX_VALUE;
    }
}
