package io.taclog.source;

/**
 * One line read from a file.
 *
 * @param fileId registry id of the file generation the line came from
 * @param offset byte offset of the line's first byte
 * @param length bytes the line occupies in the file, terminator included
 * @param content the line without terminator, trailing {@code \r} or a leading UTF-8 BOM; for
 *     {@link LineFlaw#TOO_LONG} only the head
 * @param flaw how the line deviates from a normal line
 */
public record SourceLine(long fileId, long offset, long length, byte[] content, LineFlaw flaw) {

    /** End offset (exclusive) of the line in its file. */
    public long end() {
        return offset + length;
    }
}
