package io.taclog.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The validated configuration: defaults, then an optional properties file, then command-line flags.
 * Every {@code taclog.*} key is parsed at load time, so bad configuration fails at start naming the key
 * and the value; other keys (Camel's {@code camel.*}) are passed through to Camel Main.
 */
public final class TaclogConfig {

    private final Map<String, String> values;
    private final Map<String, Object> parsed = new LinkedHashMap<>();
    private final Map<String, String> passThrough;
    /** The keys a file or a flag gave (the others have their defaults). */
    private final java.util.Set<String> given;

    private TaclogConfig(Map<String, String> values, Map<String, String> passThrough, java.util.Set<String> given) {
        this.values = values;
        this.passThrough = passThrough;
        this.given = java.util.Set.copyOf(given);
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            parsed.put(k.name(), k.parse(values.get(k.name())));
        }
    }

    /**
     * Loads the configuration.
     *
     * @param file optional properties file; relative paths in it are resolved against its directory
     * @param overrides values from command-line flags (win over the file)
     */
    public static TaclogConfig load(Optional<Path> file, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            values.put(k.name(), k.defaultValue());
        }
        Map<String, String> passThrough = new TreeMap<>();
        java.util.Set<String> given = new java.util.HashSet<>();
        if (file.isPresent()) {
            Path f = file.get();
            if (!Files.isRegularFile(f)) {
                throw new ConfigException("--config " + f + ": file not found");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("--config " + f + ": cannot read (" + e.getMessage() + ")");
            }
            Path base = f.toAbsolutePath().getParent();
            for (String name : p.stringPropertyNames()) {
                String v = p.getProperty(name).trim();
                ConfigKey<?> k = find(name);
                if (k != null) {
                    values.put(name, k.pathValued() ? resolvePaths(base, v) : v);
                    given.add(name);
                } else if (name.startsWith("taclog.")) {
                    throw unknown(name, v);
                } else {
                    passThrough.put(name, v);
                }
            }
        }
        for (var e : overrides.entrySet()) {
            if (find(e.getKey()) == null) {
                if (e.getKey().startsWith("taclog.")) {
                    throw unknown(e.getKey(), e.getValue());
                }
                passThrough.put(e.getKey(), e.getValue());
            } else {
                values.put(e.getKey(), e.getValue());
                given.add(e.getKey());
            }
        }
        return new TaclogConfig(values, passThrough, given);
    }

    public static TaclogConfig defaults() {
        return load(Optional.empty(), Map.of());
    }

    private static ConfigException unknown(String name, String value) {
        String near = ConfigKeys.ALL.stream().map(ConfigKey::name)
                .filter(n -> n.startsWith(name.substring(0, Math.min(name.length(), 12))))
                .collect(Collectors.joining(", "));
        return ConfigException.of(name, value, "unknown key" + (near.isEmpty() ? "" : " (did you mean " + near + "?)"));
    }

    private static ConfigKey<?> find(String name) {
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private static String resolvePaths(Path base, String value) {
        if (value.isEmpty() || value.startsWith("classpath:")) {
            return value;
        }
        return java.util.Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                // a database URL (taclog.db = jdbc:postgresql://host/db) is no path: resolved, it became a file
                // beside the properties file, and the sidecar looked for it there
                .map(s -> s.startsWith("jdbc:") ? s : base.resolve(s).normalize().toString())
                .collect(Collectors.joining(","));
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) parsed.get(key.name());
    }

    /** Whether the file or a flag gave the key (rather than it having its default). */
    public boolean isSet(ConfigKey<?> key) {
        return given.contains(key.name());
    }

    /** The raw text of a key after defaults, file and overrides. */
    public String raw(ConfigKey<?> key) {
        return values.get(key.name());
    }

    /** Keys for Camel Main: every taclog key (for route placeholders) plus the pass-through keys. */
    public Properties camelProperties() {
        Properties p = new Properties();
        values.forEach(p::setProperty);
        passThrough.forEach(p::setProperty);
        if (!passThrough.containsKey("camel.main.routes-include-pattern")) {
            String routes = raw(ConfigKeys.ROUTES);
            p.setProperty("camel.main.routes-include-pattern",
                    routes.equals(ConfigKeys.ROUTES.defaultValue()) ? BundledRoutes.includePattern() : routes);
        }
        return p;
    }

    /** A copy with some keys replaced (validated again). */
    public TaclogConfig with(Map<String, String> changes) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.putAll(changes);
        java.util.Set<String> g = new java.util.HashSet<>(given);
        g.addAll(changes.keySet());
        return new TaclogConfig(v, passThrough, g);
    }
}
