package io.taclog.parse.tac8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import java.util.Collection;

/** A small fluent builder for the JSON columns (inputs, outputs, details, evidence); nulls are left out. */
public final class JsonObj {

    private final ObjectNode node = LineClassifier.JSON.createObjectNode();

    public static JsonObj of() {
        return new JsonObj();
    }

    public JsonObj put(String key, Object value) {
        if (value == null) {
            return this;
        }
        if (value instanceof String s) {
            node.put(key, s);
        } else if (value instanceof Integer i) {
            node.put(key, i);
        } else if (value instanceof Long l) {
            node.put(key, l);
        } else if (value instanceof Double d) {
            node.put(key, d);
        } else if (value instanceof Boolean b) {
            node.put(key, b);
        } else if (value instanceof JsonNode j) {
            node.set(key, j);
        } else if (value instanceof JsonObj o) {
            node.set(key, o.node);
        } else if (value instanceof java.util.Map<?, ?> m) {
            ObjectNode o = node.putObject(key);
            m.forEach((k, v) -> o.put(String.valueOf(k), v == null ? null : v.toString()));
        } else if (value instanceof Collection<?> c) {
            ArrayNode a = node.putArray(key);
            for (Object x : c) {
                a.add(x == null ? null : x.toString());
            }
        } else {
            node.put(key, value.toString());
        }
        return this;
    }

    /** Copies the fields of another object (later values win). */
    public JsonObj putAll(JsonNode other) {
        if (other != null && other.isObject()) {
            node.setAll((ObjectNode) other);
        }
        return this;
    }

    public ObjectNode node() {
        return node;
    }

    public boolean isEmpty() {
        return node.isEmpty();
    }

    /** The JSON text, or null when empty. */
    public String json() {
        return node.isEmpty() ? null : node.toString();
    }

    @Override
    public String toString() {
        return node.toString();
    }

    /** snake_case of a rule field name (hasChanges -> has_changes), the seed's column style. */
    public static String snake(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
