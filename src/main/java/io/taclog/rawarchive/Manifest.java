package io.taclog.rawarchive;

import io.taclog.ingest.LineClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A month's manifest, {@code raw/YYYY-MM/manifest.jsonl}: one JSON object a line, appended to and never rewritten.
 * Only whole lines count: a last line without its newline is an append that a crash cut short, ignored when read and
 * cut off before the next append (its segment is then listed again by the run that finishes it).
 */
final class Manifest {

    private Manifest() {
    }

    /** The entries of a manifest file; a line that is not a valid entry makes the whole archive unusable. */
    static List<ManifestEntry> read(Path file) {
        List<ManifestEntry> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8), 1 << 16)) {
            boolean endsWithNewline = endsWithNewline(file);
            List<String> lines = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
            if (!endsWithNewline && !lines.isEmpty()) {
                lines.remove(lines.size() - 1); // torn by a crash: not an entry yet
            }
            int n = 0;
            for (String line : lines) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(ManifestEntry.fromJson(LineClassifier.JSON.readTree(line)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new RawArchiveRefused("manifest " + file + " line " + n + " is not a valid entry: "
                            + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new RawArchiveRefused("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** True when the manifest lists the segment {@code name} (a whole line). */
    static boolean lists(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        return read(file).stream().anyMatch(e -> name.equals(e.segment()));
    }

    /**
     * Appends entries and forces them to disk. A torn last line left by a crash is cut off first, so the new lines
     * start on a line of their own. A new manifest's directory entry is forced too.
     */
    static void append(Path file, List<ManifestEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        boolean created = !Files.exists(file);
        StringBuilder sb = new StringBuilder();
        for (ManifestEntry e : entries) {
            sb.append(e.toJson()).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = wholeLinesEnd(ch, size);
            if (end < size) {
                ch.truncate(end);
            }
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            long pos = end;
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            ch.force(true);
        }
        if (created) {
            Durable.forceDirectory(file.getParent());
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return size == 0 || wholeLinesEnd(ch, size) == size;
        }
    }

    /** The offset just after the last newline (0 when there is none). */
    private static long wholeLinesEnd(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long pos = size;
        while (pos > 0) {
            int n = (int) Math.min(b.capacity(), pos);
            b.clear().limit(n);
            long at = pos - n;
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    break;
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return at + i + 1;
                }
            }
            pos = at;
        }
        return 0;
    }
}
