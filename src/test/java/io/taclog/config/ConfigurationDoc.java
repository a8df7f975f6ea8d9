package io.taclog.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the configuration reference from {@link ConfigKeys} (the keys are declared once, in code).
 * {@code docs/configuration.md} embeds its output; ConfigurationDocTest fails when a key is missing there.
 */
public final class ConfigurationDoc {

    private ConfigurationDoc() {
    }

    public static String render() {
        Map<String, StringBuilder> groups = new LinkedHashMap<>();
        for (String g : List.of("essential", "frequent", "rare")) {
            groups.put(g, new StringBuilder());
        }
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            StringBuilder sb = groups.get(k.group());
            sb.append("| `").append(k.name()).append("` | ").append(k.description().replace("|", "\\|"))
                    .append(" | ").append(k.unit()).append(" | ")
                    .append(k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue().replace("|", "\\|") + "`")
                    .append(" |\n");
        }
        StringBuilder out = new StringBuilder();
        for (var e : groups.entrySet()) {
            out.append("### ").append(Character.toUpperCase(e.getKey().charAt(0))).append(e.getKey().substring(1))
                    .append("\n\n| key | meaning | unit | default |\n| --- | --- | --- | --- |\n")
                    .append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    public static void main(String[] args) {
        System.out.print(render());
    }
}
