package io.taclog.parse;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Translates a path as the coordinator wrote it into the path the sidecar sees the same file at, by the longest
 * configured prefix ({@code taclog.coordinator.path-map}): {@code /logs=/mnt/agents/logs} turns
 * {@code /logs/w-901a.jsonl} into {@code /mnt/agents/logs/w-901a.jsonl}. A prefix matches whole path
 * components only ({@code /logs} does not match {@code /logs2/x}).
 */
public final class PathMap {

    public static final PathMap NONE = new PathMap(Map.of());

    private final List<Map.Entry<String, String>> byLength;

    public PathMap(Map<String, String> prefixes) {
        this.byLength = prefixes.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed())
                .toList();
    }

    /** The sidecar's path for {@code path}; unchanged when no prefix matches (or for null). */
    public String apply(String path) {
        if (path == null || byLength.isEmpty()) {
            return path;
        }
        for (Map.Entry<String, String> e : byLength) {
            String from = e.getKey();
            if (from.equals("/")) {
                return path.startsWith("/") ? e.getValue() + path : path;
            }
            if (path.equals(from) || path.startsWith(from) && path.charAt(from.length()) == '/') {
                return e.getValue() + path.substring(from.length());
            }
        }
        return path;
    }
}
