package io.taclog.source;

/** Why a line is not a normal newline-terminated line; the parser turns flaws into rejects or recoveries. */
public enum LineFlaw {
    /** A normal line ending with {@code \n}. */
    NONE,
    /** Longer than the configured cap: only its head was kept. */
    TOO_LONG,
    /** Bytes that end where a run of NUL bytes starts (a writer's line cut by a hole). */
    CUT_BY_NUL,
    /** The last bytes of a file that can no longer grow (deleted or rotated away), without {@code \n}. */
    NO_TERMINATOR
}
