package io.taclog.ingest;

/** Names of the generic skip reasons counted in the ledger (handlers add their own, e.g. per record type). */
public final class SkipReasons {

    /** A JSON object no handler claims. */
    public static final String NO_HANDLER = "no handler";
    /** An empty or whitespace-only line. */
    public static final String EMPTY_LINE = "empty line";
    /** A handler understood the line but it carries nothing to store. */
    public static final String NO_ROWS = "no rows";

    private SkipReasons() {
    }

    /** Reason for a record type that a format knows of but deliberately does not store. */
    public static String ignoredType(String format, String type) {
        return format + " type " + type;
    }

    /** Reason for a record type that a format does not know (forward compatibility). */
    public static String unknownType(String format, String type) {
        return format + " unknown type " + type;
    }
}
