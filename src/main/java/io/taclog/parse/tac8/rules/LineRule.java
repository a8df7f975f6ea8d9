package io.taclog.parse.tac8.rules;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One print template of the coordinator: its pattern and what a matching line means.
 *
 * @param fields target field name to regex group name (a group not listed feeds the field of its own name)
 * @param values constant fields the line implies
 * @param requires null, or 'traceback' (tried only while a traceback is open)
 * @param prefix literal text every matching line starts with (a cheap test before the regex), may be empty
 */
public record LineRule(String id, Pattern pattern, String target, String severity, String requires,
                       String component, Map<String, String> fields, Map<String, Object> values, List<String> groups,
                       String prefix) {

    public LineRule {
        fields = Map.copyOf(fields);
        values = Map.copyOf(values);
        groups = List.copyOf(groups);
    }

    /** The family of the target ('worktree' for 'worktree.field'). */
    public String family() {
        int dot = target.indexOf('.');
        return dot < 0 ? target : target.substring(0, dot);
    }
}
