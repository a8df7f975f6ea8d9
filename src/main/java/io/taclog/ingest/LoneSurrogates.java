package io.taclog.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Finds a string (a value or a field name) with half of a UTF-16 surrogate pair in a parsed JSON tree. */
final class LoneSurrogates {

    private LoneSurrogates() {
    }

    static boolean in(JsonNode node) {
        if (node.isTextual()) {
            return in(node.asText());
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (in(e.getKey()) || in(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (in(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean in(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
