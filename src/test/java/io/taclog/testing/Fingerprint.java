package io.taclog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file and directory under a folder with the SHA-256 of its bytes: equal fingerprints, nothing was written. A
 * WAL database's {@code -shm} and an empty {@code -wal} do not count: any reader leaves them (a query does too).
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.endsWith("-shm") || rel.endsWith("-wal") && Files.size(p) == 0) {
                    continue;
                }
                out.put(rel, Files.isDirectory(p) ? "dir" : io.taclog.source.Hashes.sha256Hex(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
