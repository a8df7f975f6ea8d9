package io.taclog.sink;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test hook, off unless the system property {@value #PROPERTY} names a commit number: puts the split layout's files
 * in the state a crash between the two files' commits leaves, then waits to be killed.
 *
 * <p>SQLite commits the main file and then the conversations file inside one {@code COMMIT} call, so no Java code
 * runs between the two. This hook copies the conversations file and its write-ahead log when each transaction
 * begins, and after the N-th commit that wrote conversation rows it writes the copies back: the conversations file
 * is then exactly as before that commit, the main file after it, as if the process had died between them. It
 * prints {@value #MARKER} on standard error and sleeps; the test SIGKILLs the process (it halts itself after ten
 * minutes if nobody does).
 */
final class CrashBetweenCommits {

    static final String PROPERTY = "taclog.test.halt-between-commits";
    static final String MARKER = "TACLOG-TEST: between the two commits";

    private final Path file;
    private final Path wal;
    private final int target;
    private int commits;
    private byte[] fileBytes;
    private byte[] walBytes;

    private CrashBetweenCommits(Path file, int target) {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.target = target;
    }

    /** The hook when the property is set, else null. */
    static CrashBetweenCommits fromSystemProperty(Path conversationsFile) {
        String n = System.getProperty(PROPERTY);
        return n == null || n.isBlank() ? null : new CrashBetweenCommits(conversationsFile, Integer.parseInt(n.trim()));
    }

    /** Copies the conversations file as it is before the transaction writes anything. */
    void beforeTransaction() {
        try {
            fileBytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            walBytes = Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0];
        } catch (IOException e) {
            throw new IllegalStateException("test hook: cannot copy " + file, e);
        }
    }

    /** A commit wrote conversation rows: the target one is undone in the conversations file. */
    void committed() {
        if (++commits != target) {
            return;
        }
        try {
            Files.write(file, fileBytes, StandardOpenOption.TRUNCATE_EXISTING);
            Files.write(wal, walBytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("test hook: cannot restore " + file, e);
        }
        PrintStream err = System.err;
        err.println(MARKER + " (commit " + commits + ")");
        err.flush();
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(137);
    }
}
