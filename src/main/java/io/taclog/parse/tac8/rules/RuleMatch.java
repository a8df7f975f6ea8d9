package io.taclog.parse.tac8.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/** A line matched by a rule: the rule and the line's field values (texts from groups, constants from values). */
public record RuleMatch(LineRule rule, String line, Map<String, Object> fields) {

    public RuleMatch {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String id() {
        return rule.id();
    }

    public String target() {
        return rule.target();
    }

    public String text(String field) {
        Object v = fields.get(field);
        return v == null ? null : v.toString();
    }

    /** An integer field; null when absent or not a number ('None'). */
    public Integer integer(String field) {
        String t = text(field);
        if (t == null) {
            return null;
        }
        try {
            return Integer.valueOf(t.replace(",", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A number the rule's pattern requires (a digit run): out of range for an int, the line is not what the rule
     * says, and the line is quarantined with this error (LineClassifier turns a handler's exception into a reject).
     */
    public int requiredInt(String field) {
        Integer v = integer(field);
        if (v == null) {
            throw new IllegalArgumentException(field + " '" + text(field) + "' is not a number taclog can hold");
        }
        return v;
    }

    public Long number(String field) {
        String t = text(field);
        if (t == null) {
            return null;
        }
        try {
            return Long.valueOf(t.replace(",", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Double decimal(String field) {
        String t = text(field);
        if (t == null) {
            return null;
        }
        try {
            return Double.valueOf(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A boolean field: Python's True/False, YAML constants true/false; null when absent. */
    public Boolean bool(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String t = v.toString();
        return "True".equals(t) || "true".equals(t);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }
}
