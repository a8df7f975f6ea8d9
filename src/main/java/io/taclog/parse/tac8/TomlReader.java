package io.taclog.parse.tac8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Reads the TOML a coordinator configuration uses into JSON: tables, arrays of tables, dotted and
 * quoted keys, strings (basic, literal, multi-line), integers, floats, booleans, arrays (across
 * lines) and inline tables. Dates are kept as text. Enough for every real TAC-8 config.toml; anything
 * else fails with the line number rather than guessing.
 */
public final class TomlReader {

    private final TomlCursor c;
    private final TomlValues values;

    private TomlReader(String src) {
        this.c = new TomlCursor(src);
        this.values = new TomlValues(c);
    }

    /** A TOML document that cannot be read. */
    public static final class TomlException extends RuntimeException {
        TomlException(String message) {
            super(message);
        }
    }

    public static ObjectNode read(String text) {
        return new TomlReader(text.startsWith("\uFEFF") ? text.substring(1) : text).document();
    }

    private ObjectNode document() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode current = root;
        while (true) {
            c.skipBlankAndComments();
            if (c.atEnd()) {
                return root;
            }
            if (c.peek() == '[') {
                boolean array = c.at("[[");
                c.pos += array ? 2 : 1;
                List<String> path = values.keyPath();
                c.expect(array ? "]]" : "]");
                c.endOfLine();
                current = array ? appendTable(root, path) : table(root, path, c);
            } else {
                int keyLine = c.line;
                List<String> path = values.keyPath();
                c.skipSpaces();
                c.expect("=");
                c.skipSpaces();
                JsonNode v = values.value();
                ObjectNode target = table(current, path.subList(0, path.size() - 1), c);
                String last = path.get(path.size() - 1);
                if (target.has(last)) {
                    throw new TomlException("line " + keyLine + ": key '" + last + "' is defined twice");
                }
                target.set(last, v);
                c.endOfLine();
            }
        }
    }

    /** The table at {@code path} under {@code from},
            created as needed ({@code [a.b]} under {@code [[a]]}: the last). */
    static ObjectNode table(ObjectNode from, List<String> path, TomlCursor c) {
        ObjectNode t = from;
        for (String k : path) {
            JsonNode n = t.get(k);
            if (n == null) {
                t = t.putObject(k);
            } else if (n instanceof ObjectNode o) {
                t = o;
            } else if (n instanceof ArrayNode a && !a.isEmpty() && a.get(a.size() - 1) instanceof ObjectNode o) {
                t = o;
            } else {
                throw c.error("'" + k + "' is not a table");
            }
        }
        return t;
    }

    private ObjectNode appendTable(ObjectNode root, List<String> path) {
        ObjectNode parent = table(root, path.subList(0, path.size() - 1), c);
        String last = path.get(path.size() - 1);
        JsonNode n = parent.get(last);
        ArrayNode a;
        if (n == null) {
            a = parent.putArray(last);
        } else if (n instanceof ArrayNode existing) {
            a = existing;
        } else {
            throw c.error("'" + last + "' is not an array of tables");
        }
        return a.addObject();
    }
}
