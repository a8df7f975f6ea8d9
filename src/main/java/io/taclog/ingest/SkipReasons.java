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
        return format + " type " + named(type);
    }

    /** Reason for a record type that a format does not know (forward compatibility). */
    public static String unknownType(String format, String type) {
        return format + " unknown type " + named(type);
    }

    /**
     * A record type as a reason names it. The type comes from the file: a damaged one ("12345", a megabyte of
     * text, a lone surrogate) would make a reason of its own per line, and a lone surrogate cannot even be
     * stored as it was read. Types are short names; anything else is counted under one reason.
     */
    static String named(String type) {
        if (type == null) {
            return "null";
        }
        int slash = type.indexOf('/');
        if (slash > 0) { // "event_msg/token_count": each part on its own
            return named(type.substring(0, slash)) + "/" + named(type.substring(slash + 1));
        }
        if (type.isEmpty() || type.length() > 64) {
            return "(malformed)";
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
                    || c == '.' || c == ' ' || c == '(' || c == ')' || c == ':')) {
                return "(malformed)";
            }
        }
        return type;
    }
}
