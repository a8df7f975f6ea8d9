package io.taclog.app;

import io.taclog.alerts.AlertCheck;
import io.taclog.alerts.AlertSettings;
import io.taclog.archive.ArchiveSchedule;
import io.taclog.archive.ArchiveSettings;
import io.taclog.archive.Archiver;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.BatchParser;
import io.taclog.ingest.IngestMonitor;
import io.taclog.ingest.SourceKindParser;
import io.taclog.maintenance.Maintenance;
import io.taclog.rawarchive.RawArchiveSettings;
import io.taclog.rawarchive.RawArchiveTask;
import io.taclog.rawarchive.RawArchiver;
import io.taclog.rawarchive.SourceRoots;
import io.taclog.schema.Migrator;
import io.taclog.search.SearchIndexer;
import io.taclog.sink.BatchWriter;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.DeferredIndexes;
import io.taclog.sink.FactWriters;
import io.taclog.sink.FreshLoad;
import io.taclog.sink.Outbox;
import io.taclog.sink.SqliteFileRegistry;
import io.taclog.source.TailOptions;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything the ingest pipeline needs, wired from the configuration with no Camel involved: the
 * database (migrated), the file registry, the parsers of every source kind and the batch writer.
 */
public final class IngestRuntime implements AutoCloseable {

    /** Longest run of the search indexer per tick of its route (docs/search.md; taclog.search.index-interval-ms). */
    static final Duration SEARCH_TICK_BUDGET = Duration.ofSeconds(5);

    private final TaclogConfig config;
    private final Database db;
    private final SqliteFileRegistry registry;
    private final BatchParser parser;
    private final FactWriters factWriters;
    private final Outbox outbox;
    private final BatchWriter writer;
    private final IngestMonitor monitor = new IngestMonitor();
    private final boolean backfill;
    private final Formats formats;
    private final Maintenance maintenance;
    private final SearchIndexer searchIndexer;
    private final AlertCheck alerts;
    private final RawArchiveTask rawArchive;

    private IngestRuntime(TaclogConfig config, Database db, Outbox outbox, boolean backfill, Clock clock) {
        this.config = config;
        this.db = db;
        this.backfill = backfill;
        this.registry = new SqliteFileRegistry(db, clock);
        this.formats = new Formats(config, clock);
        formats.attach(config, db, monitor, clock, backfill);
        this.parser = new BatchParser(formats.parsers(), backfill);
        this.factWriters = new FactWriters(formats.writers());
        this.outbox = outbox;
        this.writer = new BatchWriter(db, factWriters, clock, registry);
        boolean sqlite = db.dialect().sqliteOnlyFeatures();
        this.maintenance = new Maintenance(db, clock, !sqlite ? Duration.ZERO // PostgreSQL analyses by itself
                : Duration.ofMinutes(config.get(ConfigKeys.MAINTENANCE_OPTIMIZE_INTERVAL)),
                Duration.ofDays(config.get(ConfigKeys.MAINTENANCE_COMMIT_LOG_DAYS)), !backfill,
                backfill ? null : archiveSchedule(config, db, clock));
        // never in a backfill: its wall time is the product's headline figure, and `taclog run` catches up later
        this.searchIndexer = new SearchIndexer(db, clock, !backfill && sqlite && config.get(ConfigKeys.SEARCH_ENABLED),
                SEARCH_TICK_BUDGET, 1.0);
        this.alerts = new AlertCheck(db, AlertSettings.of(config), clock, !backfill);
        this.rawArchive = new RawArchiveTask(backfill ? null : rawArchiver(config, db, clock));
    }

    /** The raw JSONL archive's archiver, or null when taclog.raw-archive.enabled is off (docs/storage.md). */
    private static RawArchiver rawArchiver(TaclogConfig config, Database db, Clock clock) {
        RawArchiveSettings s = RawArchiveSettings.of(config);
        return s.enabled() ? new RawArchiver(db, s, SourceRoots.of(config), config.get(ConfigKeys.DB_BUSY_TIMEOUT),
                clock) : null;
    }

    /** Opens and migrates the database and wires the pipeline. */
    public static IngestRuntime open(TaclogConfig config, boolean backfill) throws SQLException {
        return open(config, backfill, Clock.systemUTC());
    }

    public static IngestRuntime open(TaclogConfig config, boolean backfill, Clock clock) throws SQLException {
        // the sidecar starts while a split layout's conversations disk is away; a backfill needs the file
        return wire(config, Databases.openWriter(config, !backfill), backfill, clock);
    }

    /**
     * The runtime of the {@code backfill} command: a database that does not exist yet is built as a fresh load
     * ({@link FreshLoad}, unless {@code taclog.backfill.fresh-load} is off) and appears when the runtime closes.
     */
    public static IngestRuntime openBackfill(TaclogConfig config) throws SQLException {
        if (Databases.isPostgres(config)) {
            return wire(config, Databases.openWriter(config), true, Clock.systemUTC());
        }
        Path path = config.get(ConfigKeys.DB);
        // a split database is never a fresh load: its two files are made and linked in place
        Database db = config.get(ConfigKeys.BACKFILL_FRESH_LOAD) && config.get(ConfigKeys.DB_CONVERSATIONS).isEmpty()
                && FreshLoad.possible(path)
                ? Database.openFreshLoad(path, databaseSettings(config))
                : Database.open(path, databaseSettings(config));
        return wire(config, db, true, Clock.systemUTC());
    }

    private static IngestRuntime wire(TaclogConfig config, Database db, boolean backfill, Clock clock)
            throws SQLException {
        Outbox outbox = new Outbox(db, clock);
        try {
            Migrator.migrate(db);
            outbox.install(config.get(ConfigKeys.OUTBOX_ENABLED));
            if (!backfill) {
                DeferredIndexes.build(db); // a bulk load was interrupted: the sidecar's queries need them
            }
        } catch (SQLException | RuntimeException e) {
            db.discard();
            throw e;
        }
        IngestRuntime r = new IngestRuntime(config, db, outbox, backfill, clock);
        try { // split layout: spool conversation content while the second disk is away, replay it when back
            db.watchConversations(config.get(ConfigKeys.DB_CONVERSATIONS_SPOOL_MAX),
                    config.get(ConfigKeys.DB_CONVERSATIONS_CHECK), r.formats.conversationWriter()::store);
        } catch (SQLException | RuntimeException e) {
            db.discard();
            throw e;
        }
        return r;
    }

    /** The sidecar's daily archive check, or null when taclog.archive.enabled is off (docs/storage.md). */
    private static ArchiveSchedule archiveSchedule(TaclogConfig config, Database db, Clock clock) {
        ArchiveSettings a = ArchiveSettings.of(config);
        if (!a.enabled()) {
            return null;
        }
        int busy = config.get(ConfigKeys.DB_BUSY_TIMEOUT);
        return new ArchiveSchedule(new Archiver(db, a.dir(), busy, clock, Archiver.NO_HOOK), db.path(), a.keepDays(),
                busy);
    }

    public static DatabaseSettings databaseSettings(TaclogConfig config) {
        return new DatabaseSettings(config.get(ConfigKeys.DB_BUSY_TIMEOUT), 50, config.get(ConfigKeys.DB_RETRY_MAX),
                config.get(ConfigKeys.DB_CACHE), config.get(ConfigKeys.DB_PAGE_SIZE),
                config.get(ConfigKeys.DB_CONVERSATIONS).orElse(null));
    }

    /** Tail options of a kind, from the configuration (paths come from the route). */
    public TailOptions tailDefaults() {
        return tailOptions(config, "", List.of(), backfill);
    }

    public static TailOptions tailOptions(TaclogConfig config, String kind, List<Path> roots, boolean oneShot) {
        return new TailOptions(kind, roots, config.get(ConfigKeys.INCLUDE), config.get(ConfigKeys.EXCLUDE),
                config.get(ConfigKeys.RECURSIVE), config.get(ConfigKeys.MAX_LINE_BYTES),
                config.get(ConfigKeys.BATCH_MAX_LINES), config.get(ConfigKeys.BATCH_MAX_BYTES),
                config.get(ConfigKeys.MAX_OPEN_FILES), Duration.ofMillis(config.get(ConfigKeys.SCAN_INTERVAL)),
                Duration.ofMillis(config.get(ConfigKeys.ROTATE_WAIT)),
                Duration.ofMillis(config.get(ConfigKeys.IDLE_CLOSE)),
                Duration.ofMillis(config.get(ConfigKeys.NUL_HOLE_GRACE)), oneShot,
                Duration.ofMillis(config.get(ConfigKeys.FULL_SCAN_INTERVAL)));
    }

    public TaclogConfig config() {
        return config;
    }

    public Database database() {
        return db;
    }

    public SqliteFileRegistry registry() {
        return registry;
    }

    public BatchParser parser() {
        return parser;
    }

    /** Committed facts waiting for the publishing route (routes/outbox.camel.yaml). */
    public Outbox outbox() {
        return outbox;
    }

    /** The fact writers (their batch planners run in the route's planBatch step). */
    public FactWriters factWriters() {
        return factWriters;
    }

    public BatchWriter writer() {
        return writer;
    }

    public IngestMonitor monitor() {
        return monitor;
    }

    /** The sidecar's periodic upkeep (routes/maintenance.camel.yaml); does nothing in a backfill. */
    public Maintenance maintenance() {
        return maintenance;
    }

    /** Keeps the full-text search index up to date (routes/maintenance.camel.yaml); idle in a backfill. */
    public SearchIndexer searchIndexer() {
        return searchIndexer;
    }

    /** The alert rules and their delivery (routes/alerts.camel.yaml, docs/alerts.md); idle in a backfill. */
    public AlertCheck alerts() {
        return alerts;
    }

    /** Copies idle files into the raw archive (routes/maintenance.camel.yaml); idle in a backfill or when off. */
    public RawArchiveTask rawArchive() {
        return rawArchive;
    }

    public Formats formats() {
        return formats;
    }

    public boolean backfill() {
        return backfill;
    }

    /** Parsers for validation (same handlers, fresh instances). */
    public static List<SourceKindParser> parsers(TaclogConfig config) {
        return new Formats(config, Clock.systemUTC()).parsers();
    }

    @Override
    public void close() {
        alerts.close(); // before the database: an alert not delivered yet stays pending for the next start
        db.checkpoint();
        db.close();
    }
}
