package io.taclog.parse.tac8.log;

/** Severity of a line no rule knows, from its emoji (research section 8): ❌ error, ⚠️ warning, else info. */
final class Severity {

    private Severity() {
    }

    static String ofText(String line) {
        String t = line.strip();
        if (t.startsWith("❌") || t.startsWith("fatal:") || t.startsWith("error:") || t.startsWith("☠")) {
            return "error";
        }
        if (t.startsWith("⚠") || t.startsWith("🚨") || t.startsWith("warning:")) {
            return "warning";
        }
        return "info";
    }
}
