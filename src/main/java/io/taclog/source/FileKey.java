package io.taclog.source;

/** Physical identity of a file on one host: device and inode (both survive a rename). */
public record FileKey(long device, long inode) {
    @Override
    public String toString() {
        return device + ":" + inode;
    }
}
