package io.taclog.source;

/**
 * Describes a file generation to the stages after the tailer (parsers need its path and kind).
 *
 * @param fileId registry id of this generation
 * @param path path the file was last seen at
 * @param kind the source kind configured for the tail endpoint (e.g. transcripts, coordinator-log)
 */
public record SourceFile(long fileId, String path, String kind) {
}
