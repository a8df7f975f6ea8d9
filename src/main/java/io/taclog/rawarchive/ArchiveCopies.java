package io.taclog.rawarchive;

import io.taclog.source.FileKey;
import io.taclog.validate.ArchivedCopies;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** The raw archive as the copy of the raw files that {@code taclog validate --against-archive} reads. */
public final class ArchiveCopies implements ArchivedCopies {

    private final ArchiveIndex index;
    private final Path tempDir;

    public ArchiveCopies(ArchiveIndex index, Path tempDir) {
        this.index = index;
        this.tempDir = tempDir;
    }

    @Override
    public Lookup open(long fileId, String kind, FileKey key, String firstLineHash, long start, long committed)
            throws IOException {
        ArchivedGeneration g = index.generation(fileId);
        if (g == null) {
            return new Lookup(null, "the raw archive holds none of its bytes");
        }
        GenerationIdentity identity = new GenerationIdentity(kind, key.device(), key.inode(), firstLineHash, start);
        if (!g.identity().equals(identity)) {
            return new Lookup(null, "the raw archive's file " + fileId + " is another file (" + g.identity() + ")");
        }
        if (committed <= start) {
            return new Lookup(null, "nothing committed");
        }
        if (g.end() < committed) {
            return new Lookup(null, "the raw archive holds bytes [" + start + "," + g.end() + ") of [" + start + ","
                    + committed + ")" + (g.gap() == null ? "" : " (" + g.gap() + ")"));
        }
        List<ManifestEntry> needed = g.chain().stream().filter(e -> e.from() < committed).toList();
        GenerationBytes bytes = GenerationBytes.unpack(index.raw(), needed, tempDir);
        return new Lookup(new Copy() {
            @Override
            public FileChannel channel() {
                return bytes.channel();
            }

            @Override
            public void close() throws IOException {
                bytes.close();
            }
        }, null);
    }
}
