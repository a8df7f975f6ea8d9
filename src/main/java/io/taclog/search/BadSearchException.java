package io.taclog.search;

/** A search the user must change: nothing to look for, too long, or (with raw FTS5 syntax) not valid. */
public final class BadSearchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BadSearchException(String message) {
        super(message);
    }
}
