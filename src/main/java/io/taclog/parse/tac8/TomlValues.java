package io.taclog.parse.tac8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** TOML keys and values: strings (basic, literal, multi-line), numbers, booleans, dates, arrays, inline tables. */
final class TomlValues {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TomlCursor c;

    TomlValues(TomlCursor c) {
        this.c = c;
    }

    /** A dotted key: {@code a.b."c d"}. */
    List<String> keyPath() {
        List<String> path = new ArrayList<>();
        while (true) {
            c.skipSpaces();
            path.add(key());
            c.skipSpaces();
            if (!c.atEnd() && c.peek() == '.') {
                c.pos++;
                continue;
            }
            return path;
        }
    }

    private String key() {
        if (c.atEnd()) {
            throw c.error("a key was expected");
        }
        char ch = c.peek();
        if (ch == '"') {
            return basicString();
        }
        if (ch == '\'') {
            return literalString();
        }
        int start = c.pos;
        while (!c.atEnd()) {
            char k = c.peek();
            if (Character.isLetterOrDigit(k) || k == '_' || k == '-') {
                c.pos++;
            } else {
                break;
            }
        }
        if (start == c.pos) {
            throw c.error("a key was expected, found '" + ch + "'");
        }
        return c.src.substring(start, c.pos);
    }

    JsonNode value() {
        if (c.atEnd()) {
            throw c.error("a value was expected");
        }
        char ch = c.peek();
        if (c.at("\"\"\"")) {
            return F.textNode(multiline("\"\"\"", true));
        }
        if (c.at("\'\'\'")) {
            return F.textNode(multiline("\'\'\'", false));
        }
        if (ch == '"') {
            return F.textNode(basicString());
        }
        if (ch == '\'') {
            return F.textNode(literalString());
        }
        if (ch == '[') {
            return array();
        }
        if (ch == '{') {
            return inlineTable();
        }
        if (c.at("true")) {
            c.pos += 4;
            return F.booleanNode(true);
        }
        if (c.at("false")) {
            c.pos += 5;
            return F.booleanNode(false);
        }
        return scalar();
    }

    private JsonNode scalar() {
        int start = c.pos;
        while (c.pos < c.src.length() && ",]}#\n\r".indexOf(c.src.charAt(c.pos)) < 0) {
            c.pos++;
        }
        String t = c.src.substring(start, c.pos).strip();
        c.pos = start + c.src.substring(start, c.pos).indexOf(t) + t.length();
        String n = t.replace("_", "");
        try {
            if (n.matches("[+-]?\\d+")) {
                return F.numberNode(Long.parseLong(n));
            }
            if (n.matches("0x[0-9a-fA-F]+")) {
                return F.numberNode(Long.parseLong(n.substring(2), 16));
            }
            if (n.matches("[+-]?(\\d+\\.\\d+([eE][+-]?\\d+)?|\\d+[eE][+-]?\\d+)")) {
                return F.numberNode(Double.parseDouble(n));
            }
        } catch (NumberFormatException e) {
            throw c.error("bad number '" + t + "'");
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:\\d{2})?)?|\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) {
            return F.textNode(t); // dates and times stay as written
        }
        throw c.error("cannot read the value '" + t + "'");
    }

    private ArrayNode array() {
        c.pos++;
        ArrayNode a = F.arrayNode();
        while (true) {
            c.skipBlankAndComments();
            if (c.pos >= c.src.length()) {
                throw c.error("unterminated array");
            }
            if (c.src.charAt(c.pos) == ']') {
                c.pos++;
                return a;
            }
            a.add(value());
            c.skipBlankAndComments();
            if (c.pos < c.src.length() && c.src.charAt(c.pos) == ',') {
                c.pos++;
            } else if (c.pos < c.src.length() && c.src.charAt(c.pos) != ']') {
                throw c.error("',' or ']' expected in an array");
            }
        }
    }

    private ObjectNode inlineTable() {
        c.pos++;
        ObjectNode o = F.objectNode();
        c.skipSpaces();
        if (c.pos < c.src.length() && c.src.charAt(c.pos) == '}') {
            c.pos++;
            return o;
        }
        while (true) {
            List<String> path = keyPath();
            c.skipSpaces();
            c.expect("=");
            c.skipSpaces();
            JsonNode v = value();
            TomlReader.table(o, path.subList(0, path.size() - 1), c).set(path.get(path.size() - 1), v);
            c.skipSpaces();
            if (c.pos < c.src.length() && c.src.charAt(c.pos) == ',') {
                c.pos++;
                continue;
            }
            c.expect("}");
            return o;
        }
    }

    private String basicString() {
        c.pos++;
        StringBuilder sb = new StringBuilder();
        while (c.pos < c.src.length()) {
            char ch = c.src.charAt(c.pos++);
            if (ch == '"') {
                return sb.toString();
            }
            if (ch == '\n') {
                throw c.error("newline in a string");
            }
            if (ch == '\\') {
                escape(sb);
            } else {
                sb.append(ch);
            }
        }
        throw c.error("unterminated string");
    }

    private void escape(StringBuilder sb) {
        if (c.pos >= c.src.length()) {
            throw c.error("unterminated escape");
        }
        char e = c.src.charAt(c.pos++);
        switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'u', 'U' -> {
                int len = e == 'u' ? 4 : 8;
                if (c.pos + len > c.src.length()) {
                    throw c.error("short unicode escape");
                }
                sb.appendCodePoint(Integer.parseInt(c.src.substring(c.pos, c.pos + len), 16));
                c.pos += len;
            }
            default -> throw c.error("unknown escape \\" + e);
        }
    }

    private String literalString() {
        int end = c.src.indexOf('\'', c.pos + 1);
        int nl = c.src.indexOf('\n', c.pos + 1);
        if (end < 0 || nl >= 0 && nl < end) {
            throw c.error("unterminated literal string");
        }
        String s = c.src.substring(c.pos + 1, end);
        c.pos = end + 1;
        return s;
    }

    private String multiline(String quote, boolean escapes) {
        c.pos += 3;
        if (c.src.startsWith("\n", c.pos)) {
            c.pos++;
            c.line++;
        } else if (c.src.startsWith("\r\n", c.pos)) {
            c.pos += 2;
            c.line++;
        }
        StringBuilder sb = new StringBuilder();
        while (c.pos < c.src.length()) {
            if (c.src.startsWith(quote, c.pos)) {
                c.pos += 3;
                return sb.toString();
            }
            char ch = c.src.charAt(c.pos++);
            if (ch == '\n') {
                c.line++;
            }
            if (escapes && ch == '\\') {
                if (c.pos < c.src.length() && (c.src.charAt(c.pos) == '\n' || c.src.charAt(c.pos) == '\r')) {
                    while (c.pos < c.src.length() && Character.isWhitespace(c.src.charAt(c.pos))) {
                        if (c.src.charAt(c.pos) == '\n') {
                            c.line++;
                        }
                        c.pos++;
                    }
                } else {
                    escape(sb);
                }
            } else {
                sb.append(ch);
            }
        }
        throw c.error("unterminated multi-line string");
    }
}
