package io.taclog.source;

import java.util.Arrays;

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

    /** Characters of a line's start that a quarantine record shows. */
    public static final int HEAD_CHARS = 300;
    /** The bytes those characters can take (up to 4 each in UTF-8). */
    public static final int HEAD_BYTES = HEAD_CHARS * 4;

    /**
     * The line with only the bytes a quarantine record would show: once parsed, a line waits for its commit,
     * and only a line that fails to store still needs its start.
     */
    public SourceLine headOnly() {
        return content.length <= HEAD_BYTES ? this
                : new SourceLine(fileId, offset, length, Arrays.copyOf(content, HEAD_BYTES), flaw);
    }

    /** End offset (exclusive) of the line in its file. */
    public long end() {
        return offset + length;
    }
}
