package io.taclog.rawarchive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies the unarchived bytes of the chosen generations into temporary segment files, several files at a time: a
 * segment is forced to disk before it may get its name, and one fsync waited for at a time made the first archive of
 * 7,315 session files take 22 s, two thirds of it in fsync; forced side by side, the file system commits them
 * together.
 */
final class SegmentCopier {

    private static final int THREADS = 4;

    /** A generation with bytes to archive, and where they may be. */
    record Candidate(RawArchiveLog.Generation generation, List<RawArchiveLog.Place> places, boolean due) {
    }

    /** What became of a candidate. */
    sealed interface Result permits Waiting, Gone, Changed, Copied {
    }

    /** Changed less than the idle time ago: left for a later run. */
    record Waiting() implements Result {
    }

    /** Its bytes are in no file any more. */
    record Gone(String why) implements Result {
    }

    /** Its file changed while it was copied. */
    record Changed(String path) implements Result {
    }

    /** Copied to {@code temp}, forced to disk. */
    record Copied(Path temp, String name, SegmentFiles.Written written) implements Result {
    }

    private final Path raw;
    private final String month;
    private final long idleBeforeMillis;

    SegmentCopier(Path raw, String month, Instant now, Duration idle) {
        this.raw = raw;
        this.month = month;
        this.idleBeforeMillis = now.minus(idle).toEpochMilli();
    }

    /** The result of each candidate, in their order; on a failure, the temporary files written are removed. */
    List<Result> copyAll(List<Candidate> candidates) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(THREADS, candidates.size())), r -> {
            Thread t = new Thread(r, "taclog-raw-archive-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Candidate c : candidates) {
                futures.add(pool.submit(() -> copy(c)));
            }
            List<Result> out = new ArrayList<>();
            IOException failure = null;
            for (Future<Result> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                    }
                }
            }
            if (failure != null) {
                removeTemporaryFiles(out);
                throw failure;
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying segments", e);
        } finally {
            pool.shutdownNow();
        }
    }

    static void removeTemporaryFiles(List<Result> results) throws IOException {
        for (Result r : results) {
            if (r instanceof Copied c) {
                Files.deleteIfExists(c.temp());
            }
        }
    }

    private Result copy(Candidate c) throws IOException {
        RawArchiveLog.Generation g = c.generation();
        SourceBytes.Lookup where = SourceBytes.find(g, c.places());
        if (where.found() == null) {
            return new Gone(where.missing());
        }
        try (SourceBytes.Found f = where.found()) {
            if (!c.due() && f.modifiedMillis() > idleBeforeMillis) {
                return new Waiting();
            }
            String name = RawArchiveLayout.segmentName(month, g.identity().kind(), g.path(), g.fileId(),
                    g.archivedTo(), g.committed());
            Path temp = ArchiveDirectory.temporaryFile(raw);
            try {
                SegmentFiles.Written w = SegmentFiles.write(f.channel(), g.archivedTo(), g.committed(), temp);
                if (SourceBytes.check(f.channel(), g) != null) {
                    Files.deleteIfExists(temp);
                    return new Changed(f.path());
                }
                return new Copied(temp, name, w);
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw new IOException("cannot copy " + f.path() + ": " + e.getMessage(), e);
            }
        }
    }
}
