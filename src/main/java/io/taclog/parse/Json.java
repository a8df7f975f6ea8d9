package io.taclog.parse;

import com.fasterxml.jackson.databind.JsonNode;

/** Null-tolerant reads of JSON fields (transcript shapes vary by version). */
public final class Json {

    private Json() {
    }

    /** Text of a field, or null when absent, null or not a scalar. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    public static long number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isNumber() ? 0 : v.asLong();
    }

    public static Long optionalLong(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isNumber() ? null : v.asLong();
    }

    public static Double optionalDouble(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }

    public static boolean flag(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.asBoolean(false);
    }

    public static boolean has(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && !v.isNull();
    }
}
