package io.taclog.parse.tac8.rules;

import io.taclog.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The coordinator.log line rules, loaded once at start from the bundled {@code rules/tac8-rules.yaml}
 * or a user's copy, checked completely (a bad rule stops taclog naming the rule), and matched in
 * file order.
 */
public final class LineRules {

    public static final String BUNDLED = "rules/tac8-rules.yaml";
    private static final String KEY = "taclog.coordinator.rules";
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Pattern WORD_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9_]*)>");

    private final List<LineRule> rules;
    private final String origin;

    private LineRules(List<LineRule> rules, String origin) {
        this.rules = List.copyOf(rules);
        this.origin = origin;
    }

    /** The bundled rules, or the file {@code taclog.coordinator.rules} names. */
    public static LineRules load(Optional<Path> file) {
        if (file.isEmpty()) {
            return bundled();
        }
        Path f = file.get();
        try {
            return parse(Files.readString(f, StandardCharsets.UTF_8), f.toString());
        } catch (IOException e) {
            throw ConfigException.of(KEY, f.toString(), "cannot read the rules file (" + e.getMessage() + ")");
        }
    }

    public static LineRules bundled() {
        try (InputStream in = LineRules.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled rules missing from the classpath: " + BUNDLED);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + BUNDLED);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled rules " + BUNDLED, e);
        }
    }

    /** Parses and checks a rules document; {@code origin} names it in error messages. */
    public static LineRules parse(String yaml, String origin) {
        Object doc;
        try {
            // one buffer for the whole text: snakeyaml-engine 3.0.1 fails when a chunk boundary falls inside
            // a surrogate pair (an emoji), which the rules are full of
            doc = new Load(LoadSettings.builder().setLabel(origin).setBufferSize(yaml.length() + 16).build())
                    .loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw ConfigException.of(KEY, origin, "not valid YAML: " + oneLine(e.getMessage()));
        }
        if (!(doc instanceof Map<?, ?> top) || !(top.get("rules") instanceof List<?> list)) {
            throw ConfigException.of(KEY, origin, "expected a mapping with a 'rules' list");
        }
        List<LineRule> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (Object item : list) {
            index++;
            if (!(item instanceof Map<?, ?> m)) {
                throw ConfigException.of(KEY, origin, "rule #" + index + " is not a mapping");
            }
            LineRule rule = rule(m, index, origin);
            if (!ids.add(rule.id())) {
                throw ConfigException.of(KEY, origin, "rule " + rule.id() + " is defined twice");
            }
            out.add(rule);
        }
        if (out.isEmpty()) {
            throw ConfigException.of(KEY, origin, "the rules list is empty");
        }
        return new LineRules(out, origin);
    }

    private static LineRule rule(Map<?, ?> m, int index, String origin) {
        String id = string(m, "id");
        String name = id == null ? "#" + index : id;
        if (id == null || id.isBlank()) {
            throw bad(origin, name, "has no id");
        }
        String patternText = string(m, "pattern");
        if (patternText == null) {
            throw bad(origin, name, "has no pattern");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            throw bad(origin, name, "pattern is not a regular expression: " + oneLine(e.getDescription())
                    + " near index " + e.getIndex());
        }
        String target = string(m, "target");
        if (target == null || !Targets.known(target)) {
            throw bad(origin, name, "target '" + target + "' is not one of " + new java.util.TreeSet<>(Targets.all()));
        }
        String severity = string(m, "severity") == null ? "info" : string(m, "severity");
        if (!Targets.SEVERITIES.contains(severity)) {
            throw bad(origin, name, "severity '" + severity + "' is not one of " + Targets.SEVERITIES);
        }
        String requires = string(m, "requires");
        if (requires != null && !"traceback".equals(requires)) {
            throw bad(origin, name, "requires '" + requires + "' (only 'traceback' is known)");
        }
        List<String> groups = groups(patternText);
        Map<String, String> fields = stringMap(m.get("fields"), origin, name, "fields");
        for (var e : fields.entrySet()) {
            if (!groups.contains(e.getValue())) {
                throw bad(origin, name, "field '" + e.getKey() + "' names group '" + e.getValue()
                        + "', which the pattern does not have (groups: " + groups + ")");
            }
        }
        Map<String, Object> values = valueMap(m.get("values"), origin, name);
        Set<String> provided = new HashSet<>(values.keySet());
        provided.addAll(fields.keySet());
        provided.addAll(groups);
        for (String req : Targets.required(target)) {
            if (!provided.contains(req)) {
                throw bad(origin, name, "target " + target + " needs a field '" + req + "' (a named group or a value)");
            }
        }
        return new LineRule(id, pattern, target, severity, requires, string(m, "component"), fields, values, groups,
                prefix(patternText));
    }

    /** Named groups of a pattern, in order (Java 17 has no API for them). */
    static List<String> groups(String pattern) {
        List<String> out = new ArrayList<>();
        Matcher g = WORD_GROUP.matcher(pattern);
        while (g.find()) {
            if (!GROUP_NAME.matcher(g.group()).matches()) {
                continue; // Java allows only letters and digits; the compile step has rejected others
            }
            out.add(g.group(1));
        }
        return out;
    }

    /** Literal text at the start of every match ("^" then plain characters), used to skip most regexes. */
    static String prefix(String pattern) {
        if (!pattern.startsWith("^")) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int i = 1;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    break;
                }
                char n = pattern.charAt(i + 1);
                if (Character.isLetterOrDigit(n)) {
                    break; // \d, \s, \S, \w...: a class, not a literal
                }
                sb.append(n);
                i += 2;
                continue;
            }
            if (".[]{}()*+?^$|".indexOf(c) >= 0) {
                if ((c == '*' || c == '?' || c == '{') && sb.length() > 0) {
                    sb.setLength(sb.length() - 1); // the quantifier applies to the last literal
                }
                break;
            }
            sb.append(c);
            i++;
        }
        // a surrogate pair cut in half by the quantifier rule would never match: drop it
        if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    /**
     * The first rule that matches the whole line, or null. Rules that require a traceback are tried
     * only while one is open.
     */
    public RuleMatch match(String line, boolean tracebackOpen) {
        for (LineRule r : rules) {
            if (r.requires() != null && !tracebackOpen) {
                continue;
            }
            if (!line.startsWith(r.prefix())) {
                continue;
            }
            Matcher m = r.pattern().matcher(line);
            if (m.matches()) {
                return new RuleMatch(r, line, fields(r, m));
            }
        }
        return null;
    }

    private static Map<String, Object> fields(LineRule r, Matcher m) {
        Map<String, Object> out = new LinkedHashMap<>(r.values());
        Set<String> mappedGroups = new HashSet<>(r.fields().values());
        for (String g : r.groups()) {
            String v = m.group(g);
            if (v != null && !mappedGroups.contains(g)) {
                out.put(g, v);
            }
        }
        for (var e : r.fields().entrySet()) {
            String v = m.group(e.getValue());
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    public List<LineRule> rules() {
        return rules;
    }

    public LineRule rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    public String origin() {
        return origin;
    }

    private static ConfigException bad(String origin, String rule, String problem) {
        return ConfigException.of(KEY, origin, "rule " + rule + " " + problem);
    }

    private static String string(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static Map<String, String> stringMap(Object v, String origin, String rule, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(origin, rule, what + " must be a mapping");
        }
        m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        return out;
    }

    private static Map<String, Object> valueMap(Object v, String origin, String rule) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(origin, rule, "values must be a mapping");
        }
        for (var e : m.entrySet()) {
            Object x = e.getValue();
            if (x != null && !(x instanceof String) && !(x instanceof Boolean) && !(x instanceof Number)) {
                throw bad(origin, rule, "value '" + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(String.valueOf(e.getKey()), x);
        }
        return out;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }
}
