package io.taclog.cli;

/** RFC 4180 quoting of one CSV field. */
public final class Csv {

    private Csv() {
    }

    public static String field(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
