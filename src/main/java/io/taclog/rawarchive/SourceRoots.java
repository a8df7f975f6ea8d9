package io.taclog.rawarchive;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.SourceKinds;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The watched paths of each source kind, so that a manifest entry can say which configured path a file was found
 * under and where below it (to move an archive's files to another machine by hand, or to map paths).
 */
public record SourceRoots(Map<String, List<Path>> byKind) {

    public static final SourceRoots NONE = new SourceRoots(Map.of());

    public static SourceRoots of(TaclogConfig config) {
        return new SourceRoots(Map.of(SourceKinds.TRANSCRIPTS, normalized(config.get(ConfigKeys.WATCH)),
                SourceKinds.COORDINATOR_LOG, normalized(config.get(ConfigKeys.COORDINATOR_LOG)),
                SourceKinds.COORDINATOR_EVENTS, normalized(config.get(ConfigKeys.COORDINATOR_EVENTS))));
    }

    private static List<Path> normalized(List<Path> paths) {
        return paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** The watched path {@code file} is under and the path below it; both null when none contains it. */
    public String[] locate(String kind, String file) {
        Path f = Path.of(file).toAbsolutePath().normalize();
        for (Path root : byKind.getOrDefault(kind, List.of())) {
            if (f.equals(root)) { // a watched file: its directory and its name
                return new String[] {String.valueOf(root.getParent()), f.getFileName().toString()};
            }
            if (f.startsWith(root)) {
                return new String[] {root.toString(), root.relativize(f).toString()};
            }
        }
        return new String[] {null, null};
    }
}
