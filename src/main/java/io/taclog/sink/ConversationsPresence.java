package io.taclog.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether the split layout's conversations file is where the writer attached it: the same file (its file key:
 * device and inode), still a file, still writable. SQLite keeps writing a file it has open wherever it moved, so
 * a directory renamed away, replaced by an empty one, or made unreadable is only seen by looking at the path.
 */
final class ConversationsPresence {

    /** taclog.db.conversations.spool-max-bytes when nothing else is configured. */
    static final long DEFAULT_SPOOL_MAX_BYTES = 256L * 1024 * 1024;

    private ConversationsPresence() {
    }

    /** The file's identity on its file system, or null when it cannot be read (then only the path is compared). */
    static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Why the attached file cannot be written any longer, or null while it can. */
    static String goneBecause(Path file, Object attachedKey) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "the file is not there any more (disk unmounted, directory moved or replaced?)";
        } catch (IOException e) {
            return "the file cannot be reached (" + e + "; permission removed?)";
        }
        if (!a.isRegularFile()) {
            return "the path is no longer a file";
        }
        if (attachedKey != null && !attachedKey.equals(a.fileKey())) {
            return "another file is at the path now (the file or its directory was replaced)";
        }
        if (!Files.isWritable(file) || !Files.isWritable(file.getParent())) {
            return "the file or its directory is not writable (permission removed, read-only mount?)";
        }
        return null;
    }

    /**
     * Why a file that went away cannot be taken back yet, or null when the path holds this database's conversations
     * file again, writable. A new or foreign file at the path is never taken: that would fork the history.
     */
    static String notBackBecause(Path main, Path file) {
        if (!Files.isRegularFile(file)) {
            return "no file at " + file + " (directory missing, empty or unreadable)";
        }
        if (!Files.isWritable(file) || !Files.isWritable(file.getParent())) {
            return file + " or its directory is not writable";
        }
        try {
            ConversationsFile.check(main, file);
        } catch (ConversationsFileRefused e) {
            return e.getMessage();
        } catch (java.sql.SQLException e) {
            return file + " cannot be read: " + e.getMessage();
        }
        return null;
    }
}
