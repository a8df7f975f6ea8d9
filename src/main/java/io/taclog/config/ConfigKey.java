package io.taclog.config;

import java.util.function.Function;

/**
 * One configuration key, declared once: its name, default, unit, documentation and how its text is
 * parsed and checked. {@code docs/configuration.md} documents exactly these keys (a test enforces it).
 *
 * @param group essential, frequent or rare (the order of the documentation)
 * @param pathValued relative values in a configuration file are resolved against that file's directory
 */
public record ConfigKey<T>(String name, String defaultValue, String unit, String group, String description,
                           Function<String, T> parser, boolean pathValued) {

    /** Parses a raw value; a {@link ConfigException} names this key and the value. */
    public T parse(String raw) {
        try {
            return parser.apply(raw == null ? "" : raw.trim());
        } catch (IllegalArgumentException e) {
            throw ConfigException.of(name, raw, e.getMessage());
        }
    }
}
