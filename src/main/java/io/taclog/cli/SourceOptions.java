package io.taclog.cli;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** Flags shared by the ingest commands; each maps onto a configuration key (flags win over the file). */
public final class SourceOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with taclog.* and camel.* keys.")
    Path config;

    @Option(names = "--db", paramLabel = "PATH", description = "SQLite database (taclog.db).")
    Path db;

    @Option(names = "--watch", paramLabel = "DIR",
            description = "Transcript directory or file; repeatable (taclog.watch).")
    List<Path> watch;

    @Option(names = "--coordinator-log", paramLabel = "FILE", description = "coordinator.log; repeatable.")
    List<Path> coordinatorLog;

    @Option(names = "--coordinator-queue", paramLabel = "FILE", description = "Work queue (tasks.md); repeatable.")
    List<Path> coordinatorQueue;

    @Option(names = "--coordinator-events", paramLabel = "FILE", description = "Coordinator JSONL events; repeatable.")
    List<Path> coordinatorEvents;

    @Option(names = "--coordinator-config", paramLabel = "FILE", description = "Coordinator config.toml; repeatable.")
    List<Path> coordinatorConfig;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any configuration key; repeatable.")
    Map<String, String> set;

    /** True when a source was named on the command line (not only in the configuration file). */
    public boolean namesSources() {
        return watch != null || coordinatorLog != null || coordinatorQueue != null || coordinatorEvents != null
                || coordinatorConfig != null;
    }

    /** Loads the configuration: defaults, then {@code --config}, then the flags. */
    public TaclogConfig load() {
        Map<String, String> o = new LinkedHashMap<>();
        if (set != null) {
            o.putAll(set);
        }
        if (db != null) {
            o.put(ConfigKeys.DB.name(), db.toString());
        }
        put(o, ConfigKeys.WATCH.name(), watch);
        put(o, ConfigKeys.COORDINATOR_LOG.name(), coordinatorLog);
        put(o, ConfigKeys.COORDINATOR_QUEUE.name(), coordinatorQueue);
        put(o, ConfigKeys.COORDINATOR_EVENTS.name(), coordinatorEvents);
        put(o, ConfigKeys.COORDINATOR_CONFIG.name(), coordinatorConfig);
        return TaclogConfig.load(Optional.ofNullable(config), o);
    }

    private static void put(Map<String, String> o, String key, List<Path> paths) {
        if (paths != null && !paths.isEmpty()) {
            o.put(key, paths.stream().map(Path::toString).collect(Collectors.joining(",")));
        }
    }
}
