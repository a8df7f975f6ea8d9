package io.taclog.rawarchive;

import io.taclog.source.FileKey;

/**
 * A file generation as the sidecar identifies it (docs/architecture.md, "File identity"): its source kind,
 * (device, inode), the hash of its first line, and the offset it starts at (non-zero for a copy adopted after a
 * copytruncate).
 */
public record GenerationIdentity(String kind, long device, long inode, String firstLineHash, long start) {

    public FileKey key() {
        return new FileKey(device, inode);
    }

    @Override
    public String toString() {
        return kind + " " + device + ":" + inode + " first line " + firstLineHash + " from byte " + start;
    }
}
