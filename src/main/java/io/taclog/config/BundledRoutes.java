package io.taclog.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The route files packaged in the jar ({@code routes/bundled-routes.txt}), named one by one: Camel resolves a
 * classpath wildcard such as {@code classpath:routes/*.camel.yaml} by walking every entry of every jar, which
 * took half a second of each start.
 */
public final class BundledRoutes {

    static final String INDEX = "routes/bundled-routes.txt";

    private BundledRoutes() {
    }

    /** The file names listed in the index, in its order. */
    public static List<String> names() {
        try (InputStream in = BundledRoutes.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new IllegalStateException(INDEX + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Camel routes-include-pattern naming each bundled route file. */
    static String includePattern() {
        return names().stream().map(n -> "classpath:routes/" + n).collect(Collectors.joining(","));
    }
}
