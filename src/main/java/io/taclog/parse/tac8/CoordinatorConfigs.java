package io.taclog.parse.tac8;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.source.Hashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's config.toml, snapshotted into the session that uses it: the files configured
 * with {@code --coordinator-config}, matched to the path the coordinator prints at start (TAC-8 R02),
 * else that printed path itself when it is readable here.
 */
public final class CoordinatorConfigs {

    private final List<Path> configured;

    public CoordinatorConfigs(List<Path> configured) {
        this.configured = List.copyOf(configured);
    }

    /** A configuration file's content at the moment a session started. */
    public record Snapshot(String path, String sha256, ObjectNode toml, String error) {

        /** The JSON merged into the session's config. */
        public JsonObj asConfig() {
            JsonObj o = JsonObj.of().put("config_file", path).put("config_sha256", sha256);
            if (toml != null) {
                o.put("toml", toml);
                JsonObj summary = JsonObj.of()
                        .put("max_concurrent_workers", toml.path("coordinator").get("max_concurrent_workers"))
                        .put("poll_interval_seconds", toml.path("coordinator").get("poll_interval_seconds"))
                        .put("issue_label", toml.path("github").get("issue_label"))
                        .put("model_default", toml.path("llm").get("model_default"));
                o.putAll(summary.node());
            }
            return o.put("config_error", error);
        }
    }

    /**
     * The snapshot for the config path a coordinator printed (may be null): a configured file with that
     * path, else the only configured file, else the printed path if this machine can read it.
     */
    public Optional<Snapshot> forPrintedPath(String printed) {
        Path chosen = null;
        if (printed != null) {
            for (Path p : configured) {
                if (p.toAbsolutePath().normalize().toString().equals(printed)) {
                    chosen = p;
                }
            }
        }
        if (chosen == null && configured.size() == 1) {
            chosen = configured.get(0);
        }
        if (chosen == null && configured.size() > 1 && printed != null) {
            String name = Path.of(printed).getFileName() == null ? "" : Path.of(printed).getFileName().toString();
            for (Path p : configured) {
                if (p.getFileName() != null && p.getFileName().toString().equals(name)) {
                    chosen = p; // same file name: the closest we can tell; the snapshot records which
                }
            }
        }
        if (chosen == null && printed != null && Files.isReadable(Path.of(printed))) {
            chosen = Path.of(printed);
        }
        return chosen == null ? Optional.empty() : Optional.of(read(chosen));
    }

    /** Reads and parses one file; a file that cannot be read or parsed yields a snapshot with an error. */
    public static Snapshot read(Path file) {
        String path = file.toAbsolutePath().normalize().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Snapshot(path, null, null, "cannot read: " + e.getMessage());
        }
        String sha = Hashes.sha256Hex(bytes);
        try {
            return new Snapshot(path, sha, TomlReader.read(new String(bytes, StandardCharsets.UTF_8)), null);
        } catch (TomlReader.TomlException e) {
            return new Snapshot(path, sha, null, "not valid TOML: " + e.getMessage());
        }
    }

    public List<Path> configured() {
        return configured;
    }
}
