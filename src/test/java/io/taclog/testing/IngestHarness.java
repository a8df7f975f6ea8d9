package io.taclog.testing;

import io.taclog.ingest.BatchParser;
import io.taclog.ingest.ParsedBatch;
import io.taclog.ingest.SourceKindParser;
import io.taclog.schema.Migrator;
import io.taclog.sink.BatchWriter;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.FactWriter;
import io.taclog.sink.FactWriters;
import io.taclog.sink.SqliteFileRegistry;
import io.taclog.source.TailBatch;
import io.taclog.source.TailOptions;
import io.taclog.source.Tailer;
import io.taclog.validate.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The real ingest pipeline without Camel: a migrated SQLite file, the SQLite file registry, a {@link Tailer}
 * on a watched directory (with a fake nano clock, so rotate-wait and hole-grace need no sleeping), the
 * batch parser and the batch writer. {@link #pump()} does what the Camel consumer does per poll.
 */
public final class IngestHarness implements AutoCloseable {

    public static final String KIND = "transcripts";

    private final Path watch;
    private final Path dbPath;
    private final FakeTicker ticker = new FakeTicker();
    private final TailOptions options;
    private final DatabaseSettings settings;
    private final boolean recording;
    private final SeenLines.BeforeWrite beforeWrite;
    private int schemaVersion;
    private Database db;
    private SqliteFileRegistry registry;
    private Tailer tailer;
    private BatchParser parser;
    private BatchWriter writer;
    private Consumer<Tailer> afterEachBatch = t -> { };

    private IngestHarness(Builder b) {
        this.watch = b.root.resolve("logs");
        this.dbPath = b.root.resolve("taclog.db");
        TailOptions o = PipelineSteps.testTimings(TailOptions.defaults(KIND, List.of(watch)), Duration.ZERO);
        this.options = b.options.apply(o);
        this.settings = b.settings;
        this.recording = b.recording;
        this.beforeWrite = b.beforeWrite;
        this.schemaVersion = b.schemaVersion;
    }

    /** A harness whose watched directory is {@code root/logs} and database {@code root/taclog.db}. */
    public static Builder in(Path root) {
        return new Builder(root);
    }

    /** Harness options. */
    public static final class Builder {
        private final Path root;
        private UnaryOperator<TailOptions> options = UnaryOperator.identity();
        private DatabaseSettings settings = DatabaseSettings.defaults();
        private boolean recording;
        private SeenLines.BeforeWrite beforeWrite = SeenLines.BeforeWrite.NONE;
        private int schemaVersion = Migrator.latestVersion();

        private Builder(Path root) {
            this.root = root;
        }

        /** Adjusts the tail options (defaults: scan every batch, rotate-wait 10 s, idle-close 1 min, no hole grace). */
        public Builder options(UnaryOperator<TailOptions> change) {
            UnaryOperator<TailOptions> before = options;
            options = o -> change.apply(before.apply(o));
            return this;
        }

        public Builder settings(DatabaseSettings s) {
            settings = s;
            return this;
        }

        /** Store each {"src","seq"} record in test_seen (see {@link SeenLines}) instead of skipping it. */
        public Builder recording() {
            recording = true;
            return this;
        }

        /** Recording, with the fact writer failing with an SQL error (not busy) for the selected records. */
        public Builder failingFor(Predicate<SeenLines.Seen> records) {
            return beforeWrite(s -> {
                if (records.test(s)) {
                    throw new java.sql.SQLException("CHECK constraint failed: test refuses " + s);
                }
            });
        }

        /** Migrate only up to this schema version (an older taclog's database). */
        public Builder schemaVersion(int version) {
            schemaVersion = version;
            return this;
        }

        /** Recording, with a hook run before each record is stored (it may throw). */
        public Builder beforeWrite(SeenLines.BeforeWrite hook) {
            recording = true;
            beforeWrite = hook;
            return this;
        }

        public IngestHarness start() {
            IngestHarness h = new IngestHarness(this);
            try {
                Files.createDirectories(h.watch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            h.open();
            return h;
        }
    }

    private void open() {
        try {
            db = Database.open(dbPath, settings);
            Migrator.migrate(db, schemaVersion);
            if (recording) {
                db.write(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SeenLines.DDL);
                    }
                    return null;
                });
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + dbPath, e);
        }
        registry = new SqliteFileRegistry(db, Clock.systemUTC());
        List<SourceKindParser> parsers = List.of(recording ? SeenLines.parser(KIND) : SourceKindParser.generic(KIND));
        parser = new BatchParser(parsers, options.oneShot());
        List<FactWriter<?>> writers = recording ? List.of(SeenLines.writer(beforeWrite)) : List.of();
        writer = new BatchWriter(db, new FactWriters(writers), Clock.systemUTC(), registry);
        tailer = new Tailer(options, registry, Clock.systemUTC(), ticker);
    }

    /** A restart by a newer taclog: the database is migrated to the latest schema on opening. */
    public IngestHarness restartUpgraded() {
        schemaVersion = Migrator.latestVersion();
        return restart();
    }

    /** Simulates a process restart: closes the tailer and the database, then opens both again. */
    public IngestHarness restart() {
        closeAll();
        open();
        return this;
    }

    /** A fresh parser with the harness's handlers (for validation or for parsing a batch again). */
    public BatchParser newParser() {
        return new BatchParser(List.of(recording ? SeenLines.parser(KIND) : SourceKindParser.generic(KIND)),
                options.oneShot());
    }

    public Path dir() {
        return watch;
    }

    public Path file(String name) {
        return watch.resolve(name);
    }

    public Path db() {
        return dbPath;
    }

    public Database database() {
        return db;
    }

    public Tailer tailer() {
        return tailer;
    }

    public BatchParser parser() {
        return parser;
    }

    public BatchWriter writer() {
        return writer;
    }

    public TailOptions options() {
        return options;
    }

    public void advance(Duration d) {
        ticker.advance(d);
    }

    /** Called after every {@code nextBatch()} of {@link #pump()} (e.g. to check the open-file cap). */
    public void afterEachBatch(Consumer<Tailer> hook) {
        afterEachBatch = hook;
    }

    /**
     * Reads, parses, commits and confirms batches until the tailer has nothing more: two empty batches in a
     * row (a file that restarts as a new generation is read from the next batch on, as on the next poll).
     * Returns the number of lines committed.
     */
    public int pump() {
        return PipelineSteps.untilQuiet(this::stepBatch, PipelineSteps.NO_BATCH);
    }

    /** One batch: read, parse, commit, confirm. Returns the lines committed (0 when there was nothing). */
    public int step() {
        TailBatch batch = stepBatch();
        return batch.isEmpty() ? 0 : batch.lineCount();
    }

    private TailBatch stepBatch() {
        TailBatch batch = nextBatch();
        if (!batch.isEmpty()) {
            commit(batch, parser.parse(batch));
        }
        return batch;
    }

    public TailBatch nextBatch() {
        TailBatch b = PipelineSteps.next(tailer);
        afterEachBatch.accept(tailer);
        return b;
    }

    /** Commits a parsed batch and confirms it; a failed commit rewinds the tailer (as the consumer does), rethrown. */
    public BatchWriter.Summary commit(TailBatch batch, ParsedBatch parsed) {
        return PipelineSteps.commit(tailer, batch, parsed, writer::commit);
    }

    public Ledger ledger() {
        return Ledger.read(dbPath);
    }

    /** Sequence numbers recorded per src (recording harness only), each as often as it was stored. */
    public Map<String, List<Long>> seen() {
        Map<String, List<Long>> out = new TreeMap<>();
        for (Map<String, Object> r : Sql.rows(dbPath, "SELECT src, seq FROM test_seen ORDER BY src, seq")) {
            out.computeIfAbsent((String) r.get("src"), k -> new ArrayList<>()).add(((Number) r.get("seq")).longValue());
        }
        return out;
    }

    /** Every record 0..count-1 of {@code src} was stored exactly once, and nothing else of it. */
    public void assertSeenExactlyOnce(String src, long count) {
        List<Long> got = seen().getOrDefault(src, List.of());
        List<Long> want = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            want.add(i);
        }
        if (!got.equals(want)) {
            throw new AssertionError("records of " + src + ": expected each of 0.." + (count - 1) + " once, got "
                    + describe(got));
        }
    }

    private static String describe(List<Long> seqs) {
        Map<Long, Integer> counts = new TreeMap<>();
        seqs.forEach(s -> counts.merge(s, 1, Integer::sum));
        List<String> odd = new ArrayList<>();
        counts.forEach((k, v) -> {
            if (v != 1) {
                odd.add(k + " x" + v);
            }
        });
        return seqs.size() + " records" + (odd.isEmpty() ? "" : ", repeated: " + odd) + " " + seqs;
    }

    /** Runs the real validator (re-reading the raw files) with this harness's parsers. */
    public Validator.Report validate() {
        return PipelineSteps.validate(dbPath, new Validator(newParser(), options.maxLineBytes(), List.of()));
    }

    /** The ledger's invariants hold and the validator proves it against the raw files. */
    public void assertLedgerProven() {
        ledger().assertConsistent();
        Validator.Report r = validate();
        if (!r.ok()) {
            throw new AssertionError("taclog validate fails: " + r.files().stream().filter(Validator.FileReport::failed)
                    .toList());
        }
    }

    private void closeAll() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    @Override
    public void close() {
        closeAll();
    }
}
