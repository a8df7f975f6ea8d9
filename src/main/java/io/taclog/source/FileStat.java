package io.taclog.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/**
 * One stat() of a path: identity, size and modification time.
 *
 * <p>The unix attribute view gives (device, inode) on Linux and macOS; elsewhere the JDK's opaque
 * file key is hashed so identity still survives renames on the same volume.
 */
public record FileStat(Path path, FileKey key, long size, long modifiedMillis) {

    private static final boolean UNIX_VIEW =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    /**
     * The stat a directory walk already made, when its file key reveals (device, inode): the JDK's key on Linux
     * and macOS prints as {@code (dev=<hex>,ino=<decimal>)}. Null otherwise (the caller stats the path itself).
     * Saves a second stat per file per scan: a tree of 20,000 files is walked at every full scan. The reading
     * is checked once against a real stat; if the JDK ever prints keys differently, it is not used.
     */
    public static FileStat fromWalk(Path path, BasicFileAttributes a) {
        if (!UNIX_VIEW || !a.isRegularFile() || a.fileKey() == null || walkKeys == Boolean.FALSE) {
            return null;
        }
        String k = a.fileKey().toString();
        int ino = k.indexOf(",ino=");
        if (!k.startsWith("(dev=") || !k.endsWith(")") || ino < 0) {
            return null;
        }
        FileStat fast;
        try {
            long device = Long.parseUnsignedLong(k.substring(5, ino), 16);
            long inode = Long.parseLong(k.substring(ino + 5, k.length() - 1));
            fast = new FileStat(path, new FileKey(device, inode), a.size(), a.lastModifiedTime().toMillis());
        } catch (NumberFormatException e) {
            return null;
        }
        if (walkKeys == null) {
            try {
                walkKeys = of(path).map(real -> real.key().equals(fast.key())).orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
        return walkKeys == Boolean.TRUE ? fast : null;
    }

    /** Whether walk file keys read right on this JDK (null until checked). */
    private static volatile Boolean walkKeys;

    /** Stats {@code path} (following symlinks); empty when it vanished or is not a regular file. */
    public static Optional<FileStat> of(Path path) throws IOException {
        try {
            if (UNIX_VIEW) {
                Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,isRegularFile");
                if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
                    return Optional.empty();
                }
                return Optional.of(new FileStat(path,
                        new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue()),
                        ((Number) a.get("size")).longValue(),
                        ((FileTime) a.get("lastModifiedTime")).toMillis()));
            }
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            Object fk = a.fileKey();
            long pseudoInode = fk == null ? path.toAbsolutePath().toString().hashCode() : fk.hashCode();
            return Optional.of(new FileStat(path, new FileKey(0, pseudoInode), a.size(),
                    a.lastModifiedTime().toMillis()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
