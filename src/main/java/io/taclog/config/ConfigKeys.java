package io.taclog.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Every taclog configuration key. Camel's own {@code camel.*} keys pass through to Camel Main. */
public final class ConfigKeys {

    private static final String ESSENTIAL = "essential";
    private static final String FREQUENT = "frequent";
    private static final String RARE = "rare";

    private ConfigKeys() {
    }

    private static <T> ConfigKey<T> key(String name, String def, String unit, String group, String doc,
                                        Function<String, T> parser) {
        return new ConfigKey<>(name, def, unit, group, doc, parser, false);
    }

    private static <T> ConfigKey<T> pathKey(String name, String def, String group, String doc,
                                            Function<String, T> parser) {
        return new ConfigKey<>(name, def, "path", group, doc, parser, true);
    }

    // --- essential -------------------------------------------------------------------------------

    public static final ConfigKey<Path> DB = pathKey("taclog.db", "taclog.db", ESSENTIAL,
            "SQLite database file (created with its directory if missing), or a PostgreSQL URL "
                    + "jdbc:postgresql://HOST[:PORT]/DATABASE without credentials (docs/operations.md, \"PostgreSQL\").",
            Parsers::path);

    public static final ConfigKey<String> DB_USER = key("taclog.db.user", "", "name", FREQUENT,
            "PostgreSQL only: the user to connect as (the environment variable TACLOG_DB_USER wins). Empty: the "
                    + "variable, else the operating-system user.", Parsers::text);

    public static final ConfigKey<Optional<Path>> DB_PASSWORD_FILE = pathKey("taclog.db.password-file", "",
            FREQUENT, "PostgreSQL only: a file whose first line is the password (the environment variable "
                    + "TACLOG_DB_PASSWORD wins). A password is never taken from the command line or the URL.",
            Parsers::optionalPath);

    public static final ConfigKey<String> HOST_ID = key("taclog.host-id", "", "name", FREQUENT,
            "PostgreSQL only: this sidecar's host identity; its file registry rows carry it, so the sidecars of "
                    + "many hosts share one database without their files meeting, and two sidecars of one host id "
                    + "cannot write at once. Empty: the host name.", Parsers::text);

    public static final ConfigKey<Optional<Path>> DB_CONVERSATIONS = pathKey("taclog.db.conversations", "",
            FREQUENT, "Second SQLite file for the conversations (the split layout, docs/storage.md), attached as "
                    + "schema 'conversations'; its directory must exist when the layout is made (taclog run of a "
                    + "split database starts while it is away, spooling). Empty: one file, or the file a split "
                    + "database names itself.", Parsers::optionalPath);

    public static final ConfigKey<Long> DB_CONVERSATIONS_SPOOL_MAX = key("taclog.db.conversations.spool-max-bytes",
            "268435456", "bytes", RARE, "Split layout: most text the main file holds for the conversations file "
                    + "while that file is away (docs/storage.md); when full, transcripts wait unread and coordinator "
                    + "sources go on.", Parsers.longIn(1024, 1L << 40));

    public static final ConfigKey<Long> DB_CONVERSATIONS_CHECK = key("taclog.db.conversations.check-ms", "1000",
            "milliseconds", RARE, "Split layout: how often the sidecar looks whether the conversations file is still "
                    + "there and writable, or back.", Parsers.longIn(50, 600_000));

    public static final ConfigKey<List<Path>> WATCH = pathKey("taclog.watch", "", ESSENTIAL,
            "Comma-separated directories (walked) or files holding worker transcripts (JSONL).",
            Parsers::pathList);

    public static final ConfigKey<List<Path>> COORDINATOR_LOG = pathKey("taclog.coordinator.log", "", ESSENTIAL,
            "Comma-separated coordinator.log files (the TAC-8 coordinator's stdout/stderr).", Parsers::pathList);

    public static final ConfigKey<List<Path>> COORDINATOR_QUEUE = pathKey("taclog.coordinator.queue", "",
            ESSENTIAL, "Comma-separated work-queue files (TAC-8 tasks.md), read as whole snapshots.",
            Parsers::pathList);

    public static final ConfigKey<List<Path>> COORDINATOR_EVENTS = pathKey("taclog.coordinator.events", "",
            ESSENTIAL, "Comma-separated JSONL files or directories of structured coordinator events "
                    + "(docs/coordinator-events.md).", Parsers::pathList);

    public static final ConfigKey<List<Path>> COORDINATOR_CONFIG = pathKey("taclog.coordinator.config", "",
            FREQUENT, "Comma-separated coordinator config.toml files, snapshotted into the session.",
            Parsers::pathList);

    // --- frequent --------------------------------------------------------------------------------

    public static final ConfigKey<List<String>> INCLUDE = key("taclog.include", "*.jsonl", "glob list", FREQUENT,
            "Files to follow under watched directories; a pattern without '/' matches the file name, "
                    + "otherwise the path relative to the watched directory ('**' crosses directories).",
            Parsers::list);

    public static final ConfigKey<List<String>> EXCLUDE = key("taclog.exclude", "", "glob list", FREQUENT,
            "Files to leave alone even if included (same pattern rules).", Parsers::list);

    public static final ConfigKey<Boolean> RECURSIVE = key("taclog.recursive", "true", "boolean", FREQUENT,
            "Walk watched directories recursively; new subdirectories are found while running.", Parsers::bool);

    public static final ConfigKey<String> ROUTES = key("taclog.routes", "classpath:routes/*.camel.yaml",
            "Camel resource pattern", FREQUENT,
            "Where the Camel YAML routes are loaded from; point it at a directory to edit them "
                    + "(e.g. file:/etc/taclog/routes/*.camel.yaml).", Parsers::text);

    public static final ConfigKey<Optional<Pattern>> WORKER_ID_PATTERN = key("taclog.worker.id-pattern", "",
            "regex", FREQUENT, "Regular expression with a named group 'worker' applied to a transcript's path "
                    + "to name its worker when no coordinator record names it; empty = the file stem.",
            Parsers::optionalRegex);

    public static final ConfigKey<Optional<Pattern>> TASK_PATTERN = key("taclog.worker.task-pattern",
            "(?:^|[/-])(?:trees|logs)[/-](?<task>[A-Za-z]+-[0-9]+)(?:[/.-]|$)", "regex", FREQUENT,
            "Regular expression with a named group 'task' applied to a transcript's path to find its task "
                    + "(matches trees/gh-450/, logs/gh-450.jsonl and Claude's -trees-gh-450 project folders); "
                    + "empty = no task from the path.", Parsers::optionalRegex);

    public static final ConfigKey<Optional<Path>> PRICES_FILE = pathKey("taclog.prices.file", "", FREQUENT,
            "JSON price table that overrides or extends the bundled one (same format as "
                    + "`taclog prices list --format json`).", Parsers::optionalPath);

    public static final ConfigKey<ZoneId> TIMEZONE = key("taclog.coordinator.timezone", "", "zone id", FREQUENT,
            "Time zone of the naive local times in tasks.md and the api-calls log; empty = this machine's zone.",
            Parsers::zone);

    // --- rare ------------------------------------------------------------------------------------

    public static final ConfigKey<Integer> MAX_LINE_BYTES = key("taclog.max-line-bytes", "16777216", "bytes", RARE,
            "Longest line accepted; a longer line is quarantined (its head kept) and the file goes on.",
            Parsers.intIn(1024, 1 << 30));

    public static final ConfigKey<Integer> BATCH_MAX_LINES = key("taclog.batch.max-lines", "5000", "lines", RARE,
            "A batch (one transaction) closes after this many lines.", Parsers.intIn(1, 1_000_000));

    public static final ConfigKey<Long> BATCH_MAX_BYTES = key("taclog.batch.max-bytes", "2097152", "bytes", RARE,
            "A batch closes after this many bytes of input. Batches wait in memory for the writer, parsed: smaller "
                    + "ones keep the heap and the collector's work small (a 2 MiB batch commits in milliseconds).",
            Parsers.longIn(1024, 1L << 31));

    public static final ConfigKey<Long> BATCH_MAX_WAIT = key("taclog.batch.max-wait-ms", "200", "milliseconds",
            RARE, "Poll interval of the tail sources: lines wait at most this long before their batch is "
                    + "committed (the time bound of a batch).", Parsers.longIn(10, 60_000));

    public static final ConfigKey<Integer> WRITER_QUEUE = key("taclog.writer.queue", "2", "batches", RARE,
            "Parsed batches that may wait for the writer; a source that gets further ahead waits. Each holds up to "
                    + "taclog.batch.max-bytes of input, so this bounds memory.", Parsers.intIn(1, 64));

    public static final ConfigKey<Integer> WRITER_POLL_TIMEOUT = key("taclog.writer.poll-timeout-ms", "auto",
            "milliseconds or auto", RARE, "How long the idle writer waits for a batch before it looks whether it "
                    + "should stop; stopping waits up to this long. auto: 50 in the sidecar (fewer wake-ups while "
                    + "idle: 0.7 % of a core less than 10 ms), 10 in a backfill (its end comes sooner).",
            s -> "auto".equalsIgnoreCase(s.trim()) ? null : Parsers.intIn(1, 10_000).apply(s));

    public static final ConfigKey<String> BACKFILL_DEFER_INDEXES = key("taclog.backfill.defer-indexes", "auto",
            "auto, always or never", RARE, "A backfill drops the secondary indexes no writer reads and builds them "
                    + "once at its end (a sort instead of row-by-row upkeep). auto: when the database file is below "
                    + "64 MiB (a first import); an interrupted run builds them at the next start.",
            Parsers.oneOf("auto", "always", "never"));

    public static final ConfigKey<Boolean> BACKFILL_FRESH_LOAD = key("taclog.backfill.fresh-load", "true", "true or "
            + "false", RARE, "A backfill into a database file that does not exist yet builds it as DB.loading with the "
            + "journal in memory and no fsync, and gives it its name when the load ends (a crash leaves only "
            + "DB.loading, which the next backfill discards and redoes). Nothing can read the database before then.",
            Parsers::bool);

    public static final ConfigKey<Long> SCAN_INTERVAL = key("taclog.scan-interval-ms", "1000", "milliseconds", RARE,
            "How often watched directories are walked for new, renamed and vanished files.",
            Parsers.longIn(50, 3_600_000));

    public static final ConfigKey<Long> FULL_SCAN_INTERVAL = key("taclog.full-scan-interval-ms", "60000",
            "milliseconds", RARE, "Where the system notifies file changes (inotify on Linux), scans between full "
                    + "walks look only at the files and directories that changed, and the watched paths are walked "
                    + "whole only this often, as a safety net. At most taclog.scan-interval-ms: walk whole at every "
                    + "scan (network file systems that notify nothing).", Parsers.longIn(50, 86_400_000));

    public static final ConfigKey<Integer> MAX_OPEN_FILES = key("taclog.max-open-files", "256", "files", RARE,
            "Cap on open file handles per source; quiet, fully read files are closed first.",
            Parsers.intIn(1, 100_000));

    public static final ConfigKey<Long> ROTATE_WAIT = key("taclog.rotate-wait-ms", "10000", "milliseconds", RARE,
            "How long a file that left the watched paths (rotated, deleted) is kept open after its last growth "
                    + "before its last unterminated line is taken and the handle closed.",
            Parsers.longIn(0, 86_400_000));

    public static final ConfigKey<Long> IDLE_CLOSE = key("taclog.idle-close-ms", "60000", "milliseconds", RARE,
            "A fully read file that has not grown for this long gets its handle closed (reopened on change).",
            Parsers.longIn(100, 86_400_000));

    public static final ConfigKey<Long> NUL_HOLE_GRACE = key("taclog.nul-hole-grace-ms", "5000", "milliseconds",
            RARE, "A run of NUL bytes followed by data is skipped only after it has stayed for this long "
                    + "(its writer may still fill it); backfill skips at once.", Parsers.longIn(0, 3_600_000));

    public static final ConfigKey<Integer> DB_BUSY_TIMEOUT = key("taclog.db.busy-timeout-ms", "5000",
            "milliseconds", RARE, "SQLite busy timeout of the writer and readers before a retry with back-off.",
            Parsers.intIn(0, 600_000));

    public static final ConfigKey<Long> DB_RETRY_MAX = key("taclog.db.retry-max-ms", "5000", "milliseconds", RARE,
            "Longest back-off between retries of a busy or locked write (retries never stop).",
            Parsers.longIn(10, 600_000));

    public static final ConfigKey<Integer> DB_CACHE = key("taclog.db.cache-kib", "16384", "KiB", RARE,
            "Page cache of the writer connection (inserts append to the end of tables and to worker-clustered "
                    + "indexes: a small cache serves them).", Parsers.intIn(1024, 16 * 1024 * 1024));

    public static final ConfigKey<Integer> DB_PAGE_SIZE = key("taclog.db.page-size", "16384", "bytes", RARE,
            "Page size of a database file taclog creates (a power of two, 4096 to 65536); an existing database keeps "
                    + "its own. Large pages suit transcripts' large rows: fewer overflow pages and fewer reads and "
                    + "writes per megabyte.", Parsers.powerOfTwoIn(4096, 65536));

    public static final ConfigKey<Boolean> KEEP_IMAGES = key("taclog.images.keep", "false", "boolean", RARE,
            "Store base64 images from tool results as they are; by default a placeholder with media type, size "
                    + "and SHA-256 replaces them.", Parsers::bool);

    public static final ConfigKey<Integer> SPAWN_LOOP_COUNT = key("taclog.derive.spawn-loop.count", "3", "spawns",
            RARE, "A task spawned this many times within the window is a spawn loop (a warning event); a spawn "
                    + "while an earlier worker of the task still runs is one at once.", Parsers.intIn(2, 1000));

    public static final ConfigKey<Long> SPAWN_LOOP_WINDOW = key("taclog.derive.spawn-loop.window-minutes", "10",
            "minutes", RARE, "Window of the spawn-loop count.", Parsers.longIn(1, 10_080));

    public static final ConfigKey<Long> STALL_MINUTES = key("taclog.derive.stall-minutes", "15", "minutes", RARE,
            "A worker the coordinator still counts as running whose transcript has been silent this long is "
                    + "reported stalled (once per silence).", Parsers.longIn(1, 10_080));

    public static final ConfigKey<Long> QUEUE_POLL = key("taclog.coordinator.queue-poll-ms", "1000",
            "milliseconds", RARE, "How often the work-queue file is checked for a new version.",
            Parsers.longIn(50, 600_000));

    public static final ConfigKey<Optional<Path>> COORDINATOR_RULES = pathKey("taclog.coordinator.rules", "", RARE,
            "Line rules for coordinator.log (one rule per print template); empty = the bundled "
                    + "tac8-rules.yaml. Copy it to reword a template without a code change.",
            Parsers::optionalPath);

    // --- publishing committed facts (routes/outbox.camel.yaml, docs/routes.md) -------------------------

    public static final ConfigKey<Boolean> OUTBOX_ENABLED = key("taclog.outbox.enabled", "false", "true or false",
            FREQUENT, "Publish committed facts (API calls stored or revised, worker status changes, warning and error "
                    + "events) to taclog.outbox.endpoint, in commit order, at least once. Off: no outbox rows are "
                    + "written at all.", Parsers::bool);

    public static final ConfigKey<String> OUTBOX_ENDPOINT = key("taclog.outbox.endpoint", "log:taclog.outbox",
            "Camel endpoint URI", FREQUENT, "Where the publishing route sends each fact (JSON body; headers "
                    + "TaclogOutboxId, the idempotency key, TaclogKind and TaclogRowId): any Camel endpoint on the "
                    + "class path, e.g. file:DIR?fileName=${header.TaclogOutboxId}.json.", Parsers::nonBlank);

    public static final ConfigKey<Long> OUTBOX_POLL = key("taclog.outbox.poll-ms", "1000", "milliseconds", RARE,
            "How often the publishing route looks for committed facts; a failed send is retried this often.",
            Parsers.longIn(10, 3_600_000));

    public static final ConfigKey<Integer> OUTBOX_BATCH = key("taclog.outbox.batch", "500", "messages", RARE,
            "Facts sent per poll before the cursor moves (what a crash may send again).", Parsers.intIn(1, 100_000));

    // --- coordinator outputs (issue 4) ------------------------------------------------------------

    public static final ConfigKey<Long> DERIVE_CHECK_INTERVAL = key("taclog.derive.check-interval-ms", "60000",
            "milliseconds", RARE, "How often the sidecar looks for stalled workers (a worker the coordinator still "
                    + "counts as running whose transcript is silent); a backfill checks once, at its end.",
            Parsers.longIn(100, 86_400_000));

    public static final ConfigKey<java.util.Map<String, String>> COORDINATOR_PATH_MAP = key(
            "taclog.coordinator.path-map", "", "path=path list", FREQUENT,
            "Where the sidecar sees the coordinator's files under other paths (a container mount, a synced copy): "
                    + "coordinator-prefix=sidecar-prefix pairs, e.g. '/logs=/mnt/agents/logs'. A worker's log file "
                    + "is stored and matched as the sidecar sees it; the longest prefix wins.", Parsers::pathMap);

    public static final ConfigKey<java.util.Map<String, String>> EVENTS_FIELD_MAP = key(
            "taclog.coordinator.events.field-map", "", "name=name list", RARE,
            "Field names of the JSONL event contract as a coordinator writes them: contract=yours pairs, e.g. "
                    + "'event=type,ts=time,session_id=run'; unlisted fields keep the contract's names "
                    + "(docs/coordinator-events.md).", Parsers::fieldMap);

    // --- maintenance of the sidecar's database (docs/storage.md) --------------------------------------

    public static final ConfigKey<Long> MAINTENANCE_OPTIMIZE_INTERVAL = key(
            "taclog.maintenance.optimize-interval-minutes", "360", "minutes", RARE,
            "How often the sidecar runs PRAGMA optimize (query-planner statistics of the tables that changed) "
                    + "through its writer connection; the first run comes at the first maintenance check. 0 = never; "
                    + "a backfill never does.", Parsers.longIn(0, 525_600));

    public static final ConfigKey<Long> MAINTENANCE_COMMIT_LOG_DAYS = key("taclog.maintenance.commit-log-days",
            "30", "days", RARE, "Rows of ingest_commits (a row per committed byte range) older than this are merged "
                    + "with their neighbours into one range per run of contiguous ranges, checked hourly by the "
                    + "sidecar; validate still proves every byte. 0 = keep every row.", Parsers.longIn(0, 36_500));

    public static final ConfigKey<Long> MAINTENANCE_CHECK_INTERVAL = key("taclog.maintenance.check-interval-ms",
            "60000", "milliseconds", RARE, "How often the sidecar's maintenance route looks whether optimize, the "
                    + "commit-log compaction or the daily archive check is due.", Parsers.longIn(100, 86_400_000));

    // --- monthly archives (docs/storage.md, "Archives") ------------------------------------------------------

    public static final ConfigKey<Boolean> ARCHIVE_ENABLED = key("taclog.archive.enabled", "false", "true or false",
            FREQUENT, "taclog run checks once a day for complete months that ended at least taclog.archive.keep-days "
                    + "ago and moves their rows to archive files (docs/storage.md, \"Archives\"). Off by default: "
                    + "archiving deletes rows from the database, and queries then see them only with "
                    + "--include-archives. taclog archive --month works either way.", Parsers::bool);

    public static final ConfigKey<Long> ARCHIVE_KEEP_DAYS = key("taclog.archive.keep-days", "30", "days", FREQUENT,
            "A month is archived once it ended at least this many days ago: by the sidecar (with "
                    + "taclog.archive.enabled), and by taclog archive without --force. The current month never is.",
            Parsers.longIn(0, 36_500));

    public static final ConfigKey<Optional<Path>> ARCHIVE_DIR = pathKey("taclog.archive.dir", "", FREQUENT,
            "Directory of the archive files (logs-YYYY-MM.db, one per month); empty = archive/ beside the database.",
            Parsers::optionalPath);

    // --- the raw JSONL archive (docs/storage.md, "Raw JSONL archive") -------------------------------------------

    public static final ConfigKey<Boolean> RAW_ARCHIVE_ENABLED = key("taclog.raw-archive.enabled", "false",
            "true or false", FREQUENT, "taclog run copies the committed bytes of every tailed file into compressed "
                    + "monthly segments with a manifest (raw/YYYY-MM/ in taclog.raw-archive.dir) once a file is idle, "
                    + "so the agents' own JSONL survives them (Claude Code deletes its session files after 30 days). "
                    + "taclog archive-raw works either way.", Parsers::bool);

    public static final ConfigKey<Optional<Path>> RAW_ARCHIVE_DIR = pathKey("taclog.raw-archive.dir", "", FREQUENT,
            "Directory that holds the raw archive (its raw/ folder); empty = the monthly archives' directory "
                    + "(taclog.archive.dir, else archive/ beside the database).", Parsers::optionalPath);

    public static final ConfigKey<Long> RAW_ARCHIVE_IDLE = key("taclog.raw-archive.idle-seconds", "300", "seconds",
            FREQUENT, "A file's committed bytes are archived once neither the file nor its committed offset changed "
                    + "for this long (a truncated or rotated-away generation at once); what it gains later becomes a "
                    + "further segment. 0 = whatever is committed at each check.", Parsers.longIn(0, 31_536_000));

    public static final ConfigKey<Long> RAW_ARCHIVE_MAX_DELAY = key("taclog.raw-archive.max-delay-hours", "24",
            "hours", RARE, "A file that never goes idle (a coordinator.log) is archived anyway once its oldest "
                    + "unarchived commit is this old. 0 = only idle files.", Parsers.longIn(0, 87_600));

    public static final ConfigKey<Long> RAW_ARCHIVE_CHECK_INTERVAL = key("taclog.raw-archive.check-interval-ms",
            "60000", "milliseconds", RARE, "How often the sidecar's raw-archive route looks for files to archive.",
            Parsers.longIn(100, 86_400_000));

    // --- full-text search (docs/search.md) -----------------------------------------------------------------

    public static final ConfigKey<Boolean> SEARCH_ENABLED = key("taclog.search.enabled", "true", "true or false", RARE,
            "The sidecar keeps the full-text search index of the conversations up to date (route search-index), in "
                    + "short transactions beside the ingest. Off: it never indexes; taclog query search still "
                    + "answers, searching the rows not indexed yet directly (the newest 10,000), and taclog "
                    + "search-index indexes on demand. A backfill never indexes.", Parsers::bool);

    public static final ConfigKey<Long> SEARCH_INDEX_INTERVAL = key("taclog.search.index-interval-ms", "10000",
            "milliseconds", RARE, "How often the sidecar adds the conversation rows written since its last run to "
                    + "the search index; one run works at most 5 s (a first run over a big database takes several) "
                    + "and pauses as long as each chunk took, so the ingest keeps at least half of the writer's "
                    + "time.", Parsers.longIn(100, 86_400_000));

    // --- alerts (docs/alerts.md): every rule is off until its key is set -----------------------------------

    public static final ConfigKey<Optional<Double>> ALERTS_DAILY_BUDGET = key("taclog.alerts.daily-budget-usd", "",
            "US dollars", FREQUENT, "Alert (alert.daily_budget, once per day) when the estimated cost of the API "
                    + "calls of the current day, in taclog.alerts.timezone, exceeds this; empty = off.",
            Parsers.optional(Parsers.doubleIn(0.000001, 1e12)));

    public static final ConfigKey<Optional<Double>> ALERTS_TASK_BUDGET = key("taclog.alerts.task-budget-usd", "",
            "US dollars", FREQUENT, "Alert (alert.task_budget, once per task) when the estimated cost of all API "
                    + "calls of a task's workers exceeds this; empty = off.",
            Parsers.optional(Parsers.doubleIn(0.000001, 1e12)));

    public static final ConfigKey<Optional<Integer>> ALERTS_ERROR_BURST_COUNT = key("taclog.alerts.error-burst-count",
            "", "events", FREQUENT, "Alert (alert.error_burst) when this many error or critical events are stored "
                    + "within taclog.alerts.error-burst-minutes; the episode ends when the window holds fewer. "
                    + "Empty = off.", Parsers.optional(Parsers.intIn(1, 1_000_000)));

    public static final ConfigKey<Long> ALERTS_ERROR_BURST_MINUTES = key("taclog.alerts.error-burst-minutes", "10",
            "minutes", RARE, "Window of the error-burst count.", Parsers.longIn(1, 10_080));

    public static final ConfigKey<Boolean> ALERTS_SPAWN_LOOP = key("taclog.alerts.spawn-loop", "false",
            "true or false", FREQUENT, "Alert (alert.spawn_loop) on every new spawn_loop event (one per loop "
                    + "episode of a task).", Parsers::bool);

    public static final ConfigKey<Boolean> ALERTS_STALLED_WORKER = key("taclog.alerts.stalled-worker", "false",
            "true or false", FREQUENT, "Alert (alert.worker_stalled) on every new worker_stalled event (one per "
                    + "silence of a worker).", Parsers::bool);

    public static final ConfigKey<Optional<Long>> ALERTS_INGEST_STUCK = key("taclog.alerts.ingest-stuck-minutes", "",
            "minutes", FREQUENT, "Alert (alert.ingest_stuck) when a followed file has held complete lines past its "
                    + "committed offset for this long without a commit; an idle sidecar never alerts. Empty = off.",
            Parsers.optional(Parsers.longIn(1, 10_080)));

    public static final ConfigKey<Optional<Integer>> ALERTS_REJECTS_PER_HOUR = key("taclog.alerts.rejects-per-hour",
            "", "lines", FREQUENT, "Alert (alert.rejects_rising) when more than this many lines were quarantined "
                    + "(ingest_rejects) in the last hour; the episode ends when the hour holds no more. Empty = off.",
            Parsers.optional(Parsers.intIn(0, 100_000_000)));

    public static final ConfigKey<Optional<java.net.URI>> ALERTS_WEBHOOK = key("taclog.alerts.webhook-url", "",
            "http(s) URL", FREQUENT, "Each alert is POSTed here as JSON (docs/alerts.md); empty = no webhook.",
            Parsers::webhookUrl);

    public static final ConfigKey<List<String>> ALERTS_COMMAND = key("taclog.alerts.command", "", "command line",
            FREQUENT, "Each alert's JSON is written to the standard input of this program (words split at spaces, "
                    + "quotes group; no shell); its program must exist. Empty = no command.", Parsers::command);

    public static final ConfigKey<Integer> ALERTS_TIMEOUT = key("taclog.alerts.timeout-ms", "5000", "milliseconds",
            RARE, "Longest wait for one delivery attempt (webhook response, command exit).",
            Parsers.intIn(100, 600_000));

    public static final ConfigKey<Integer> ALERTS_RETRIES = key("taclog.alerts.retries", "3", "retries", RARE,
            "Further attempts after a failed delivery, with exponential back-off; then alert.delivery_failed.",
            Parsers.intIn(0, 20));

    public static final ConfigKey<Long> ALERTS_BACKOFF = key("taclog.alerts.retry-backoff-ms", "1000",
            "milliseconds", RARE, "Wait before the first retry; doubled at every further retry.",
            Parsers.longIn(1, 600_000));

    public static final ConfigKey<Integer> ALERTS_QUEUE = key("taclog.alerts.queue", "100", "alerts", RARE,
            "Alerts waiting for delivery; when full a new one is not delivered (alert.delivery_dropped).",
            Parsers.intIn(1, 100_000));

    public static final ConfigKey<Long> ALERTS_CHECK_INTERVAL = key("taclog.alerts.check-interval-ms", "60000",
            "milliseconds", RARE, "How often the sidecar evaluates the alert rules; a backfill never does.",
            Parsers.longIn(100, 86_400_000));

    public static final ConfigKey<Optional<ZoneId>> ALERTS_TIMEZONE = key("taclog.alerts.timezone", "", "zone id",
            RARE, "Time zone whose calendar day the daily budget counts; empty = taclog.coordinator.timezone.",
            s -> s.isEmpty() ? Optional.empty() : Optional.of(Parsers.zone(s)));
    // --- metrics and health of the sidecar (docs/operations.md) ------------------------------------------

    public static final ConfigKey<Boolean> METRICS_ENABLED = key("taclog.metrics.enabled", "false", "true or false",
            FREQUENT, "taclog run serves Prometheus metrics at /metrics and health at /health/live and /health/ready "
                    + "(docs/operations.md). Off: no port is opened and no metrics code is loaded; backfill and "
                    + "queries never serve them.", Parsers::bool);

    public static final ConfigKey<String> METRICS_ADDRESS = key("taclog.metrics.address", "127.0.0.1",
            "IP address or host name", FREQUENT, "Address the metrics and health endpoint listens on; the loopback "
                    + "address by default. Set it (e.g. 0.0.0.0) only where a scraper on another host must reach it: "
                    + "the endpoint has no authentication.", Parsers::nonBlank);

    public static final ConfigKey<Integer> METRICS_PORT = key("taclog.metrics.port", "9464", "TCP port", FREQUENT,
            "Port of the metrics and health endpoint; 0 = any free port (logged at start).", Parsers.intIn(0, 65_535));

    public static final ConfigKey<Long> METRICS_STUCK_AFTER = key("taclog.metrics.stuck-after-seconds", "120",
            "seconds", RARE, "/health/ready answers 503 (stuck) when a source has had work for the writer this long "
                    + "(bytes read but not committed, or a poll waiting for the writer) and nothing was committed for "
                    + "this long. An idle sidecar with nothing to read is never stuck.", Parsers.longIn(1, 86_400));

    public static final ConfigKey<Long> METRICS_DB_REFRESH = key("taclog.metrics.db-refresh-seconds", "5", "seconds",
            RARE, "The figures /metrics reads from the database (rejects by reason, API calls and cost today, workers "
                    + "running) are queried through a read-only connection at most this often; scrapes in between "
                    + "get the cached figures.", Parsers.longIn(0, 3_600));

    // --- the web dashboard (docs/dashboard.md) -------------------------------------------------------------------

    public static final ConfigKey<Boolean> DASHBOARD_ENABLED = key("taclog.dashboard.enabled", "false",
            "true or false", FREQUENT, "taclog run also serves the web dashboard (as `taclog run --dashboard`); "
                    + "`taclog dashboard` serves it on its own.", Parsers::bool);

    public static final ConfigKey<String> DASHBOARD_ADDRESS = key("taclog.dashboard.address", "127.0.0.1",
            "IP address or host name", FREQUENT, "Address the dashboard listens on; the loopback address by default. "
                    + "Any other address requires taclog.dashboard.token.", Parsers::nonBlank);

    public static final ConfigKey<Integer> DASHBOARD_PORT = key("taclog.dashboard.port", "7433", "TCP port",
            FREQUENT, "Port of the dashboard; 0 = any free port (logged at start).", Parsers.intIn(0, 65_535));

    public static final ConfigKey<String> DASHBOARD_TOKEN = key("taclog.dashboard.token", "", "text", FREQUENT,
            "Secret (16 or more letters, digits or . _ ~ + / = -) every dashboard request must carry: open /login?token=... once "
                    + "in the browser, or send 'Authorization: Bearer ...'. Required on a non-loopback address; "
                    + "the environment variable TACLOG_DASHBOARD_TOKEN sets it too. Empty = none.", s -> s);

    public static final ConfigKey<Integer> DASHBOARD_RATE = key("taclog.dashboard.requests-per-minute", "1200",
            "requests", RARE, "Requests one client address may make per minute (bursts up to the same number); "
                    + "beyond it the dashboard answers 429.", Parsers.intIn(1, 1_000_000));

    public static final ConfigKey<Boolean> DASHBOARD_ARCHIVES = key("taclog.dashboard.include-archives", "true",
            "true or false", RARE, "Whether the dashboard also reads the months moved to archive files (as queries do "
                    + "with --include-archives): its pages then answer as before the archiving. A report that reads "
                    + "archives prorates calls, not cells: slower over long windows. SQLite only: on a PostgreSQL "
                    + "database (which has no archives) it is off, and true given is refused.", Parsers::bool);

    /** All keys, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.of(DB, DB_USER, DB_PASSWORD_FILE, HOST_ID, DB_CONVERSATIONS, DB_CONVERSATIONS_SPOOL_MAX,
            DB_CONVERSATIONS_CHECK, WATCH, COORDINATOR_LOG,
            COORDINATOR_QUEUE,
            COORDINATOR_EVENTS, COORDINATOR_CONFIG, INCLUDE, EXCLUDE, RECURSIVE, ROUTES, WORKER_ID_PATTERN,
            TASK_PATTERN, PRICES_FILE, TIMEZONE, MAX_LINE_BYTES, BATCH_MAX_LINES, BATCH_MAX_BYTES, BATCH_MAX_WAIT,
            WRITER_QUEUE, WRITER_POLL_TIMEOUT, BACKFILL_DEFER_INDEXES, BACKFILL_FRESH_LOAD, SCAN_INTERVAL, FULL_SCAN_INTERVAL, MAX_OPEN_FILES, ROTATE_WAIT,
            IDLE_CLOSE, NUL_HOLE_GRACE,
            DB_BUSY_TIMEOUT, DB_RETRY_MAX, DB_CACHE, DB_PAGE_SIZE, KEEP_IMAGES, SPAWN_LOOP_COUNT, SPAWN_LOOP_WINDOW, STALL_MINUTES,
            QUEUE_POLL, COORDINATOR_RULES,
            DERIVE_CHECK_INTERVAL, COORDINATOR_PATH_MAP, EVENTS_FIELD_MAP, OUTBOX_ENABLED, OUTBOX_ENDPOINT, OUTBOX_POLL,
            OUTBOX_BATCH, MAINTENANCE_OPTIMIZE_INTERVAL, MAINTENANCE_COMMIT_LOG_DAYS, MAINTENANCE_CHECK_INTERVAL,
            SEARCH_ENABLED, SEARCH_INDEX_INTERVAL,
            ARCHIVE_ENABLED, ARCHIVE_KEEP_DAYS, ARCHIVE_DIR, RAW_ARCHIVE_ENABLED, RAW_ARCHIVE_DIR, RAW_ARCHIVE_IDLE,
            RAW_ARCHIVE_MAX_DELAY, RAW_ARCHIVE_CHECK_INTERVAL,
            ALERTS_DAILY_BUDGET, ALERTS_TASK_BUDGET, ALERTS_ERROR_BURST_COUNT, ALERTS_ERROR_BURST_MINUTES,
            ALERTS_SPAWN_LOOP, ALERTS_STALLED_WORKER, ALERTS_INGEST_STUCK, ALERTS_REJECTS_PER_HOUR, ALERTS_WEBHOOK,
            ALERTS_COMMAND, ALERTS_TIMEOUT, ALERTS_RETRIES, ALERTS_BACKOFF, ALERTS_QUEUE, ALERTS_CHECK_INTERVAL,
            ALERTS_TIMEZONE,
            METRICS_ENABLED, METRICS_ADDRESS, METRICS_PORT, METRICS_STUCK_AFTER, METRICS_DB_REFRESH,
            DASHBOARD_ENABLED, DASHBOARD_ADDRESS, DASHBOARD_PORT, DASHBOARD_TOKEN, DASHBOARD_RATE,
            DASHBOARD_ARCHIVES);
}
