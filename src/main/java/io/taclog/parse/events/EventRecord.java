package io.taclog.parse.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One event record with the contract's field names (after the configured renaming), and typed reads
 * that remember which required fields are missing or of the wrong type.
 */
final class EventRecord {

    private final ObjectNode node;
    private final List<String> problems = new ArrayList<>();

    EventRecord(JsonNode raw, Map<String, String> theirsToContract) {
        ObjectNode n = raw.deepCopy();
        if (!theirsToContract.isEmpty()) {
            ObjectNode renamed = n.objectNode();
            n.fields().forEachRemaining(e -> renamed.set(theirsToContract.getOrDefault(e.getKey(), e.getKey()),
                    e.getValue()));
            n = renamed;
        }
        this.node = n;
    }

    ObjectNode node() {
        return node;
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** A text field; numbers are accepted as their text. */
    String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isContainerNode()) {
            problems.add("'" + field + "' must be a string, not " + (v.isArray() ? "an array" : "an object"));
            return null;
        }
        return v.asText();
    }

    String required(String field) {
        String v = text(field);
        if (v == null || v.isBlank()) {
            if (!problems.stream().anyMatch(p -> p.startsWith("'" + field + "'"))) {
                problems.add("missing required field '" + field + "'");
            }
            return null;
        }
        return v;
    }

    Integer integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.canConvertToInt() && v.isIntegralNumber()) {
            return v.asInt();
        }
        if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
            return Integer.valueOf(v.asText());
        }
        problems.add("'" + field + "' must be a whole number");
        return null;
    }

    Double decimal(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        problems.add("'" + field + "' must be a number");
        return null;
    }

    Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) {
            return v.asInt() == 1;
        }
        problems.add("'" + field + "' must be true or false");
        return null;
    }

    /** A JSON field kept as JSON text (objects, arrays; a string holding JSON is taken as it is). */
    String json(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isTextual() ? quoteUnlessJson(v.asText()) : v.toString();
    }

    private static String quoteUnlessJson(String s) {
        String t = s.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            return t;
        }
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    List<String> problems() {
        return problems;
    }
}
