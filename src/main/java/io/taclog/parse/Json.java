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
        return v == null || !v.isNumber() ? 0 : whole(v, field);
    }

    public static Long optionalLong(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isNumber() ? null : whole(v, field);
    }

    /**
     * A count as a long. A number no long holds (2^64, 1e400) is damage, not a count: reading it as a long would
     * silently wrap it (2^64 to 0), so the line is quarantined instead (the classifier turns this into a reject).
     */
    private static long whole(JsonNode v, String field) {
        if (!v.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' = " + v + " is out of range");
        }
        return v.asLong();
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
