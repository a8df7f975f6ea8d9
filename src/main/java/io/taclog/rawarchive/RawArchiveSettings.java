package io.taclog.rawarchive;

import io.taclog.archive.ArchiveSettings;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The raw-archive keys of a configuration, with the directory resolved: {@code taclog.raw-archive.dir}, else the
 * monthly archives' directory ({@code taclog.archive.dir}, else {@code archive/} beside the database).
 *
 * @param dir the archive directory; the segments and manifests go to its {@code raw/} folder
 * @param idle how long a file and its committed offset must stay unchanged before its bytes are archived
 * @param maxDelay a file that never goes idle is archived once its last segment is this old; zero = never
 */
public record RawArchiveSettings(boolean enabled, Path dir, Duration idle, Duration maxDelay) {

    public static RawArchiveSettings of(TaclogConfig config) {
        Path dir = config.get(ConfigKeys.RAW_ARCHIVE_DIR).map(p -> p.toAbsolutePath().normalize())
                .orElseGet(() -> ArchiveSettings.of(config).dir());
        return new RawArchiveSettings(config.get(ConfigKeys.RAW_ARCHIVE_ENABLED), dir,
                Duration.ofSeconds(config.get(ConfigKeys.RAW_ARCHIVE_IDLE)),
                Duration.ofHours(config.get(ConfigKeys.RAW_ARCHIVE_MAX_DELAY)));
    }

    public RawArchiveSettings withDir(Path other) {
        return new RawArchiveSettings(enabled, other.toAbsolutePath().normalize(), idle, maxDelay);
    }

    public RawArchiveSettings withIdle(Duration other) {
        return new RawArchiveSettings(enabled, dir, other, maxDelay);
    }
}
