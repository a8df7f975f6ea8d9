package io.taclog.rawarchive;

import java.io.IOException;

/** A segment file whose bytes are not those its manifest entry names (size or SHA-256), or that cannot be read. */
public final class CorruptSegmentException extends IOException {

    public CorruptSegmentException(String message) {
        super(message);
    }

    public CorruptSegmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
