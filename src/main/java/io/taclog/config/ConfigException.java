package io.taclog.config;

/** Bad configuration: the message names the key and the offending value. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException of(String key, String value, String problem) {
        return new ConfigException(key + " = '" + value + "': " + problem);
    }
}
