package io.taclog.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Value parsers for configuration keys; each throws IllegalArgumentException with a short reason. */
final class Parsers {

    private Parsers() {
    }

    static Function<String, Integer> intIn(int min, int max) {
        return s -> {
            long v = parseLong(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return (int) v;
        };
    }

    /** A power of two between {@code min} and {@code max}. */
    static Function<String, Integer> powerOfTwoIn(int min, int max) {
        return s -> {
            int v = intIn(min, max).apply(s);
            if (Integer.bitCount(v) != 1) {
                throw new IllegalArgumentException("must be a power of two (" + min + ", " + (min * 2) + ", ... "
                        + max + ")");
            }
            return v;
        };
    }

    /** One of the given words (case-insensitive), returned in lower case. */
    static Function<String, String> oneOf(String... words) {
        return s -> {
            String v = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (!Arrays.asList(words).contains(v)) {
                throw new IllegalArgumentException("must be one of " + String.join(", ", words));
            }
            return v;
        };
    }

    static Function<String, Long> longIn(long min, long max) {
        return s -> {
            long v = parseLong(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        };
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    static Function<String, Double> doubleIn(double min, double max) {
        return s -> {
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        };
    }

    static String nonBlank(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return s.trim();
    }

    static Boolean bool(String s) {
        return switch (s.toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Path path(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return Path.of(s);
    }

    static Optional<Path> optionalPath(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
    }

    static List<String> list(String s) {
        return s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .toList();
    }

    static List<Path> pathList(String s) {
        return list(s).stream().map(Path::of).toList();
    }

    /** {@code a=b,c=d} pairs; each side a field name, no name used twice. */
    static java.util.Map<String, String> fieldMap(String s) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : list(s)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' is not contract=yours");
            }
            String contract = pair.substring(0, eq).strip();
            String theirs = pair.substring(eq + 1).strip();
            if (out.containsKey(contract) || out.containsValue(theirs)) {
                throw new IllegalArgumentException("'" + pair + "' maps a field that is already mapped");
            }
            out.put(contract, theirs);
        }
        return java.util.Map.copyOf(out);
    }

    /** 'coordinator-prefix=sidecar-prefix' pairs, each side an absolute path. */
    static java.util.Map<String, String> pathMap(String s) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : list(s)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + pair + "' is not coordinator-path=sidecar-path");
            }
            String from = strip(pair.substring(0, eq).strip());
            String to = strip(pair.substring(eq + 1).strip());
            if (!from.startsWith("/") || !to.startsWith("/")) {
                throw new IllegalArgumentException("'" + pair + "': both sides must be absolute paths");
            }
            if (out.putIfAbsent(from, to) != null) {
                throw new IllegalArgumentException("'" + pair + "' maps " + from + " twice");
            }
        }
        return java.util.Map.copyOf(out);
    }

    /** A path prefix without its trailing slash ('/' stays '/'). */
    private static String strip(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static String text(String s) {
        return s;
    }

    static ZoneId zone(String s) {
        if (s.isEmpty()) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(s);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not a time zone id (e.g. UTC, America/Los_Angeles)");
        }
    }

    static Optional<Pattern> optionalRegex(String s) {
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(s));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription());
        }
    }

    /** Empty = none; otherwise {@code inner}. */
    static <T> Function<String, Optional<T>> optional(Function<String, T> inner) {
        return s -> s.isEmpty() ? Optional.empty() : Optional.of(inner.apply(s));
    }

    /** An absolute http or https URL with a host; empty = none. */
    static Optional<java.net.URI> webhookUrl(String s) {
        if (s.isEmpty()) {
            return Optional.empty();
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(s);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must be an http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the URL names no host");
        }
        return Optional.of(uri);
    }

    /**
     * A command line split into words (spaces separate, single or double quotes group, nothing is expanded);
     * empty = none. Its program must be an executable file, or be found on the PATH.
     */
    static List<String> command(String s) {
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> words = new java.util.ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote");
        }
        if (inWord) {
            words.add(w.toString());
        }
        if (words.isEmpty() || words.get(0).isBlank()) {
            throw new IllegalArgumentException("names no program");
        }
        String program = words.get(0);
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isExecutable(p)) {
                throw new IllegalArgumentException("program " + program + " is not an executable file");
            }
        } else if (!onPath(program)) {
            throw new IllegalArgumentException("program " + program + " is not found on the PATH");
        }
        return List.copyOf(words);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)) {
                return true;
            }
        }
        return false;
    }
}
