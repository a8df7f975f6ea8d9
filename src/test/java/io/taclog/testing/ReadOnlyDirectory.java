package io.taclog.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * A directory nobody may write to for the length of a test: its permission bits cleared, and where that does not stop
 * the test's user (root ignores them) the file system's immutable attribute set as well. When neither holds, the test
 * is skipped with a notice, since there is then nothing to refuse.
 */
public final class ReadOnlyDirectory implements AutoCloseable {

    private final Path dir;
    private boolean immutable;

    private ReadOnlyDirectory(Path dir) {
        this.dir = dir;
    }

    public static ReadOnlyDirectory of(Path dir) throws IOException {
        ReadOnlyDirectory r = new ReadOnlyDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(dir)) {
            r.immutable = chattr("+i", dir);
        }
        if (Files.isWritable(dir)) {
            r.close();
            String why = "the directory stays writable for this user (root without chattr +i): nothing to refuse";
            System.out.println("NOTICE: skipping a read-only directory test: " + why);
            Assumptions.abort(why);
        }
        return r;
    }

    private static boolean chattr(String flag, Path dir) {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            chattr("-i", dir);
            immutable = false;
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
