package io.taclog.parse.tac8;

/** Where a TOML read is: the text, the position and the line (for error messages). */
final class TomlCursor {

    final String src;
    int pos;
    int line = 1;

    TomlCursor(String src) {
        this.src = src;
    }

    boolean atEnd() {
        return pos >= src.length();
    }

    char peek() {
        return src.charAt(pos);
    }

    boolean at(String s) {
        return src.startsWith(s, pos);
    }

    void skipSpaces() {
        while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
            pos++;
        }
    }

    /** Spaces, newlines and comments (between entries and inside arrays). */
    void skipBlankAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\n') {
                pos++;
                line++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    /** The rest of a line after a value: spaces and a comment, then the newline. */
    void endOfLine() {
        skipSpaces();
        if (pos < src.length() && src.charAt(pos) == '#') {
            while (pos < src.length() && src.charAt(pos) != '\n') {
                pos++;
            }
        }
        if (pos < src.length() && src.charAt(pos) == '\r') {
            pos++;
        }
        if (pos < src.length()) {
            if (src.charAt(pos) != '\n') {
                throw error("unexpected '" + src.charAt(pos) + "' after a value");
            }
            pos++;
            line++;
        }
    }

    void expect(String s) {
        if (!src.startsWith(s, pos)) {
            throw error("'" + s + "' expected");
        }
        pos += s.length();
    }

    TomlReader.TomlException error(String what) {
        return new TomlReader.TomlException("line " + line + ": " + what);
    }
}
