package io.taclog.rawarchive;

import io.taclog.archive.ArchiveLock;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The directory a run writes the raw archive to: checked and prepared before anything is written, locked for one run
 * at a time, and cleared of the temporary files a stopped run left.
 */
final class ArchiveDirectory {

    private ArchiveDirectory() {
    }

    /**
     * The archive directory must be a writable directory or be creatable (its nearest existing parent writable); its
     * {@code raw/} folder is created. Anything else refuses the run before it changes anything.
     */
    static Path prepare(Path dir) {
        Path raw = RawArchiveLayout.rawRoot(dir);
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new RawArchiveRefused("archive directory " + dir + " is not a directory");
            }
            Path writeTo = Files.exists(raw) ? raw : dir;
            if (!Files.isDirectory(writeTo)) {
                throw new RawArchiveRefused(raw + " is not a directory");
            }
            if (!Files.isWritable(writeTo)) {
                throw new RawArchiveRefused("archive directory " + writeTo + " is not writable");
            }
        } else {
            Path p = dir.getParent();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
                throw new RawArchiveRefused("archive directory " + dir + " cannot be created: "
                        + (p == null ? "no parent exists" : p + " is not a writable directory"));
            }
        }
        try {
            Files.createDirectories(raw);
        } catch (AccessDeniedException e) {
            throw new RawArchiveRefused("archive directory " + dir + " is not writable");
        } catch (IOException e) {
            throw new RawArchiveRefused("archive directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        return raw;
    }

    /** One run at a time writes to a raw archive (the sidecar's route and the command could otherwise both). */
    static ArchiveLock lock(Path raw) {
        try {
            return ArchiveLock.acquire(raw, RawArchiveLayout.LOCK);
        } catch (AccessDeniedException e) {
            throw new RawArchiveRefused("raw archive " + raw + " is not writable");
        } catch (IOException e) {
            throw new RawArchiveRefused(e.getMessage(), e);
        }
    }

    /** Segments a stopped run was writing: never recorded anywhere (the run holding the lock is the only writer). */
    static void removeTemporaryFiles(Path raw) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(raw, RawArchiveLayout.TEMP_PREFIX + "*"
                + RawArchiveLayout.TEMP_SUFFIX)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A name for a segment being written, in raw/ itself (on the file system of its month's folder), not taken yet:
     * SegmentFiles.write creates it with CREATE_NEW, which fails rather than share a name.
     */
    static Path temporaryFile(Path raw) {
        return raw.resolve(RawArchiveLayout.TEMP_PREFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(),
                36) + RawArchiveLayout.TEMP_SUFFIX);
    }
}
