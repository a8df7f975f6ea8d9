package io.taclog.archive;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.nio.file.Path;

/** The archive keys of a configuration, with the directory resolved (default: {@code archive/} beside the database). */
public record ArchiveSettings(boolean enabled, long keepDays, Path dir) {

    public static ArchiveSettings of(TaclogConfig config) {
        Path db = config.get(ConfigKeys.DB).toAbsolutePath().normalize();
        Path dir = config.get(ConfigKeys.ARCHIVE_DIR).orElseGet(() -> db.getParent().resolve("archive"));
        return new ArchiveSettings(config.get(ConfigKeys.ARCHIVE_ENABLED), config.get(ConfigKeys.ARCHIVE_KEEP_DAYS),
                dir.toAbsolutePath().normalize());
    }
}
