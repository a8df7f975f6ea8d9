package io.taclog.sink;

import io.taclog.sink.dialect.Dialect;
import io.taclog.sink.dialect.PostgresDialect;
import io.taclog.sink.dialect.PostgresTarget;
import io.taclog.sink.dialect.SqliteDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The database and its single writer connection: a SQLite file, or a PostgreSQL database
 * ({@link #openPostgres}; what differs is in {@link Dialect}, and the SQLite-only parts below, the split layout,
 * fresh loads and checkpoints, are simply absent there).
 *
 * <p>All writes go through {@link #write}: one dedicated connection, WAL, {@code synchronous=NORMAL}
 * (a power loss may roll back the last commits, but offsets roll back with their rows, so the bytes
 * are simply read again), {@code BEGIN IMMEDIATE} so the write lock is taken up front, and a busy or
 * locked database retried with back-off until it succeeds: never dropped.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path path;
    /** Replaced only on PostgreSQL, after the server dropped the connection ({@link #reconnect}). */
    private Connection writer;
    private final Dialect dialect;
    /** PostgreSQL only: the database and this sidecar's host identity (null for SQLite). */
    private final PostgresTarget postgres;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final DatabaseSettings settings;
    private final List<TransactionHook> hooks = new CopyOnWriteArrayList<>();
    /** Resources that live as long as this database (a PostgreSQL registry's id connection). */
    private final List<AutoCloseable> closeWith = new CopyOnWriteArrayList<>();
    private final Checkpointer checkpointer;
    /** Split layout only: the conversations file, its checkpointer, and the record that repairs a cut commit. */
    private Path conversations;
    private Checkpointer conversationsCheckpointer;
    private ConversationsRedo redo;
    /**
     * Split layout only: where new conversation content waits while the file is away, the watch that notices it
     * going and coming back, what replays the spool, and the identity (file key) of the file attached.
     */
    private volatile ConversationsSpool spool;
    private ConversationsWatch watch;
    private ConversationsSpool.Replayer replayer;
    private volatile Object conversationsKey;
    /** Why the file is not taken back yet (logged once per reason). */
    private String notBackBecause;
    private long awaySinceMillis;
    /** Non-null for a fresh load ({@link FreshLoad}): the name the file takes when it is closed. */
    private final Path publishAs;
    /** A fresh load's file forced to disk as it grows (null otherwise). */
    private final PeriodicSync periodicSync;
    private boolean closed;
    /** Whether the schema keeps reported-cost shares (v19); once it does, it always will. */
    private boolean costShares;

    /**
     * Work that rides along with every write transaction: {@link #beforeWork} runs inside it before the
     * caller's work (and again on a retry), then exactly one of {@link #afterCommit} or {@link #afterRollback}.
     */
    public interface TransactionHook {
        void beforeWork() throws SQLException;

        /** Inside the transaction, after the caller's work, just before COMMIT. */
        default void beforeCommit() throws SQLException {
        }

        void afterCommit();

        void afterRollback();
    }

    private Database(Path path, Connection writer, DatabaseSettings settings, Checkpointer checkpointer,
                     Path publishAs) {
        this(path, writer, settings, checkpointer, publishAs, SqliteDialect.INSTANCE, null);
    }

    private Database(Path path, Connection writer, DatabaseSettings settings, Checkpointer checkpointer,
                     Path publishAs, Dialect dialect, PostgresTarget postgres) {
        this.path = path;
        this.writer = writer;
        this.dialect = dialect;
        this.postgres = postgres;
        this.settings = settings;
        this.checkpointer = checkpointer;
        this.publishAs = publishAs;
        this.periodicSync = publishAs == null ? null : new PeriodicSync(path, 500);
    }

    /**
     * Opens (creating if needed) the database for writing. Migrations are applied by the caller. A split database
     * (docs/storage.md) gets its conversations file attached: the one {@code settings} names, else the one it names
     * itself; a file that cannot be its conversations file is refused ({@link ConversationsFileRefused}) before
     * anything is written, and so is a file that is away (see {@link #open(Path, DatabaseSettings, boolean)}).
     */
    public static Database open(Path path, DatabaseSettings settings) throws SQLException {
        return open(path, settings, false);
    }

    /**
     * As {@link #open(Path, DatabaseSettings)}; with {@code mayStartAway} (the sidecar) an established split layout
     * whose conversations file is away (directory missing or empty, file unreadable or not writable) opens without it:
     * its content is spooled from the start, and the watch takes the file back when the same file appears. A file
     * that is there but is not this database's is refused all the same.
     */
    public static Database open(Path path, DatabaseSettings settings, boolean mayStartAway) throws SQLException {
        ConversationsFileAway away = null;
        ConversationsFile.Plan plan = null;
        if (settings.conversations() != null) {
            try {
                plan = usable(ConversationsFile.check(path, settings.conversations()));
            } catch (ConversationsFileAway e) {
                away = startAwayOrRefuse(e, mayStartAway);
            }
        }
        createParent(path);
        SQLiteConfig cfg = writerConfig(settings);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        Connection c = cfg.createConnection("jdbc:sqlite:" + path);
        try {
            if (plan == null && away == null) {
                ConversationsFile.Link link = ConversationsFile.link(c);
                if (link != null) {
                    try {
                        plan = usable(ConversationsFile.check(path, Path.of(link.path())));
                    } catch (ConversationsFileAway e) {
                        away = startAwayOrRefuse(e, mayStartAway);
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // WAL is switched on here, after the driver set the page size: a new file is created with the log,
                // and its page size cannot change once it has one
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA wal_autocheckpoint = 0"); // the checkpointer thread does it, off the commit path
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        Database db = new Database(path, c, settings, new Checkpointer(path, settings.busyTimeoutMillis(), 200), null);
        try {
            if (plan != null) {
                db.attachConversations(plan);
            } else if (away != null) {
                db.startAway(away);
            }
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * A file of an established layout that is there but cannot be written (a permission removed, a read-only mount)
     * is away too: SQLite would only fail on the first write.
     */
    private static ConversationsFile.Plan usable(ConversationsFile.Plan plan) throws ConversationsFileAway {
        boolean established = plan.link() != null && plan.link().split();
        if (established && (!Files.isWritable(plan.path()) || !Files.isWritable(plan.path().getParent()))) {
            throw new ConversationsFileAway(plan.path(), "the file or its directory is not writable", "taclog.db."
                    + "conversations = '" + plan.path() + "': the file or its directory is not writable");
        }
        return plan;
    }

    /** The sidecar starts without the file; every other writer refuses it, saying why. */
    private static ConversationsFileAway startAwayOrRefuse(ConversationsFileAway e, boolean mayStartAway)
            throws ConversationsFileRefused {
        if (mayStartAway) {
            return e;
        }
        // a backfill's final pass (streams re-paired, time estimates) and a migration read or change the file's rows
        throw new ConversationsFileRefused(e.getMessage() + ". `taclog run` starts without it and spools new "
                + "conversation content until it is back; this command needs the file itself (docs/storage.md)");
    }

    /**
     * Opens a PostgreSQL database for writing (migrations are applied by the caller). One sidecar per host id
     * writes at a time: the connection holds a session advisory lock on the host id for as long as it lives, so a
     * second sidecar of the same host id (two pointed at the same files by mistake) is refused instead of
     * registering the same files again.
     */
    public static Database openPostgres(PostgresTarget target, DatabaseSettings settings) throws SQLException {
        Connection c = target.connect(false);
        try {
            takeHostLock(c, target);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return new Database(null, c, settings, null, null, PostgresDialect.INSTANCE, target);
    }

    /** The session advisory lock of the host id: held for as long as {@code c} lives. */
    private static void takeHostLock(Connection c, PostgresTarget target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            ps.setString(1, "taclog host " + target.hostId());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new HostBusyException(target);
                }
            }
        }
    }

    /** Another sidecar with this host id writes into the PostgreSQL database now. */
    public static final class HostBusyException extends SQLException {
        HostBusyException(PostgresTarget target) {
            super("another taclog with host id '" + target.hostId() + "' is writing into " + target.url()
                    + "; give each sidecar its own taclog.host-id (or stop the other one)");
        }
    }

    /** The back end's differences. */
    public Dialect dialect() {
        return dialect;
    }

    /** PostgreSQL: the database and this sidecar's host identity; null for SQLite. */
    public PostgresTarget postgres() {
        return postgres;
    }

    /** What this database is, for messages: the file (a fresh load's final name), or the PostgreSQL URL. */
    public String describe() {
        return postgres != null ? postgres.url() : String.valueOf(publishAs != null ? publishAs : path);
    }

    /** Attaches the split layout's conversations file to the writer connection, with the writer's settings. */
    private void attachConversations(ConversationsFile.Plan plan) throws SQLException {
        String s = ConversationsFile.SCHEMA;
        try (PreparedStatement ps = writer.prepareStatement("ATTACH DATABASE ? AS " + s)) {
            ps.setString(1, plan.path().toString());
            ps.execute();
        }
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA " + s + ".page_size = " + settings.pageSize()); // a new file only, as for the main file
            st.execute("PRAGMA " + s + ".journal_mode = WAL");
            st.execute("PRAGMA " + s + ".synchronous = NORMAL");
            st.execute("PRAGMA " + s + ".journal_size_limit = " + 64 * 1024 * 1024);
            st.execute("PRAGMA " + s + ".cache_size = " + -settings.cacheKib());
        }
        conversations = plan.path();
        conversationsKey = ConversationsPresence.fileKey(conversations);
        CrashBetweenCommits crash = CrashBetweenCommits.fromSystemProperty(conversations);
        if (crash == null) { // the test hook copies the file between commits: no checkpoint may change it meanwhile
            conversationsCheckpointer = new Checkpointer(conversations, settings.busyTimeoutMillis(), 200);
        }
        ConversationsFile.Link link = ConversationsFile.link(writer);
        if (link != null && link.split()) {
            startRecording(crash);
        }
    }

    /**
     * Moves the conversations to the attached file if the main file still holds them (call once the schema is
     * complete: after the migrations), and records every later commit that changes them ({@link ConversationsRedo}).
     * Nothing for a single-file database.
     */
    public void settleConversations() throws SQLException {
        if (conversations == null || conversationsAway()) {
            return; // away: the re-attach starts the recording (an established layout has nothing to move)
        }
        if (withWriter(ConversationsLayout::mustMove)) {
            ConversationsLayout.move(this, conversations);
        }
        startRecording(CrashBetweenCommits.fromSystemProperty(conversations));
    }

    private void startRecording(CrashBetweenCommits crash) throws SQLException {
        lock.lock();
        try {
            ConversationsFile.Link link = ConversationsFile.link(writer);
            if (!link.path().equals(conversations.toString())) {
                try (PreparedStatement ps = writer.prepareStatement("UPDATE main." + ConversationsFile.LINK_TABLE
                        + " SET path = ? WHERE id = 1")) { // the same file, found at a new place (a disk remounted)
                    ps.setString(1, conversations.toString());
                    ps.executeUpdate();
                }
            }
            redo = ConversationsRedo.install(writer, crash);
            if (spool == null) {
                spool = new ConversationsSpool(ConversationsPresence.DEFAULT_SPOOL_MAX_BYTES);
                spool.install(writer);
            }
        } finally {
            lock.unlock();
        }
        write(c -> null); // repairs a commit a crash cut in two before anything else is written
    }

    /**
     * Split layout: from now on the conversations file is watched every {@code checkMillis}; while it is away new
     * conversation content is spooled in the main file (up to {@code spoolMaxBytes}), and {@code replayer} stores it
     * when the file is back. A spool an earlier run left is replayed first, if the file is here. Nothing for a
     * single-file database.
     */
    public void watchConversations(long spoolMaxBytes, long checkMillis, ConversationsSpool.Replayer replayer)
            throws SQLException {
        if (spool == null) {
            return;
        }
        lock.lock();
        try {
            spool.capBytes(spoolMaxBytes);
            this.replayer = replayer;
            if (spool.away()) {
                write(c -> null); // records the start without the file (conversations_disk_gone) now
            } else if (spool.rows() > 0) {
                drainSpool();
            }
            if (watch == null) {
                watch = new ConversationsWatch(this, checkMillis);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The spool new conversation content goes to now (the file is away, or older content waits), else null. */
    public ConversationsSpool spoolingConversations() {
        return spool != null && spool.active() ? spool : null;
    }

    /** Whether the split layout's conversations file is away (detached, its content spooled). */
    public boolean conversationsAway() {
        return spool != null && spool.away();
    }

    /**
     * A write failure that only says the conversations file is away (a statement that reads or changes its rows, a
     * full spool, an I/O error of that file), as a wait; null for any other failure. The batch is then read again
     * later instead of its lines being quarantined.
     */
    public ConversationsPending pendingOnConversations(Throwable e) {
        if (spool == null) {
            return null;
        }
        if (e instanceof ConversationsPending p) {
            return p;
        }
        String m = String.valueOf(e.getMessage());
        if (spool.away() && (m.contains("conversations") || m.contains("tool_calls"))) {
            return new ConversationsPending("the conversations file is away: " + m, e);
        }
        if (m.contains("SQLITE_IOERR") || m.contains("SQLITE_READONLY") || m.contains("SQLITE_CANTOPEN")
                || m.contains("SQLITE_FULL")) {
            return new ConversationsPending("the database files cannot be written: " + m, e);
        }
        return null;
    }

    /**
     * One look at the conversations file (the watch's thread, or after a failed write): a file gone, replaced or not
     * writable is detached and its content spooled from then on; a file that is back is attached again and the spool
     * replayed into it.
     */
    void checkConversations() throws SQLException {
        ConversationsSpool sp = spool;
        if (closed || sp == null || !sp.away() && sp.rows() == 0
                && ConversationsPresence.goneBecause(conversations, conversationsKey) == null) {
            return; // the usual case, decided without the writer's lock (everything is looked at again under it)
        }
        lock.lock();
        try {
            if (closed || spool == null) {
                return;
            }
            if (!spool.away()) {
                String gone = ConversationsPresence.goneBecause(conversations, conversationsKey);
                if (gone != null) {
                    detachConversations(gone);
                }
            } else {
                reattachConversations();
            }
            if (!spool.away() && spool.rows() > 0 && replayer != null) {
                drainSpool();
            }
        } finally {
            lock.unlock();
        }
    }

    private void detachConversations(String reason) throws SQLException {
        closeStatements(); // they may name the file's tables
        // the TEMP triggers go first: SQLite would keep a TEMP trigger of a detached table, bound to whatever
        // TEMP table of that name comes later
        ConversationsRedo.uninstall(writer);
        try {
            exec("DETACH DATABASE " + ConversationsFile.SCHEMA);
        } catch (SQLException e) {
            ConversationsRedo.installTriggers(writer); // still attached: its commits must stay repairable
            throw e;
        }
        if (conversationsCheckpointer != null) {
            conversationsCheckpointer.close();
            conversationsCheckpointer = null;
        }
        enterAway(reason, "conversations disk gone");
        write(c -> null); // records the event now
    }

    /**
     * A split database opened while its conversations file is away: nothing is attached, the spool takes new
     * conversation content from the first batch, and the watch (started by {@link #watchConversations}) takes the
     * file back when the same file is at the path again.
     */
    private void startAway(ConversationsFileAway away) throws SQLException {
        lock.lock();
        try {
            conversations = away.file();
            conversationsKey = null;
            spool = new ConversationsSpool(ConversationsPresence.DEFAULT_SPOOL_MAX_BYTES);
            spool.install(writer);
            enterAway(away.reason(), "conversations disk away at start");
        } finally {
            lock.unlock();
        }
    }

    /** From now on conversation content is spooled; the event is written by the next transaction that commits. */
    private void enterAway(String reason, String what) {
        spool.away(true);
        awaySinceMillis = System.currentTimeMillis();
        notBackBecause = null;
        String msg = what + ": " + conversations + ": " + reason + "; new conversation content is spooled in "
                + path.getFileName() + " (up to " + spool.capBytes() + " bytes) until it is back";
        LOG.warn(msg);
        spool.event("conversations_disk_gone", "warning", msg, io.taclog.parse.tac8.JsonObj.of()
                .put("path", conversations.toString()).put("reason", reason).json());
    }

    private void reattachConversations() throws SQLException {
        String why = ConversationsPresence.notBackBecause(path, conversations);
        if (why != null) {
            if (!why.equals(notBackBecause)) {
                LOG.warn("conversations disk still away: {}", why);
                notBackBecause = why;
            }
            return;
        }
        ConversationsFile.Plan plan = ConversationsFile.check(path, conversations);
        spool.away(false); // the re-attach's first transaction repairs a commit the loss cut in two
        try {
            attachConversations(plan);
        } catch (SQLException | RuntimeException e) {
            spool.away(true);
            closeStatements();
            ConversationsRedo.uninstall(writer);
            try {
                exec("DETACH DATABASE " + ConversationsFile.SCHEMA);
            } catch (SQLException ignored) {
                // it was not attached
            }
            LOG.warn("conversations file {} is back but could not be attached: {}", conversations, e.getMessage());
            return;
        }
        long rows = spool.rows();
        long seconds = (System.currentTimeMillis() - awaySinceMillis) / 1000;
        LOG.warn("conversations disk back after {} s: {}; {} spooled conversation blocks to store", seconds,
                conversations, rows);
        if (rows == 0 || replayer == null) {
            spool.event("conversations_disk_back", "info", "conversations disk back after " + seconds + " s: "
                    + conversations + "; " + rows + " spooled conversation blocks wait for the sidecar", null);
            write(c -> null);
        }
    }

    /** Stores every spooled block in the attached file, oldest first, a few hundred per commit, holding the writer. */
    private void drainSpool() throws SQLException {
        long t0 = System.nanoTime();
        long stored = 0;
        while (spool.rows() > 0 && !closed) {
            int n = WriteContext.transaction(this, java.time.Instant.now(),
                    ctx -> spool.replay(replayer, ctx, 256));
            if (n == 0) {
                break;
            }
            stored += n;
        }
        long seconds = awaySinceMillis == 0 ? 0 : (System.currentTimeMillis() - awaySinceMillis) / 1000;
        String msg = "conversations disk back" + (awaySinceMillis == 0 ? "" : " after " + seconds + " s") + ": "
                + conversations + "; " + stored + " spooled conversation rows caught up in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms";
        LOG.warn(msg);
        spool.event("conversations_disk_back", "info", msg, io.taclog.parse.tac8.JsonObj.of().put("caught_up", stored)
                .put("path", conversations.toString()).json());
        write(c -> null);
        awaySinceMillis = 0;
    }

    private void closeStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // dropped anyway
            }
        }
        statements.clear();
    }

    /** The split layout's conversations file, or null for a single-file database. */
    public Path conversationsPath() {
        return conversations;
    }

    /**
     * Opens a new database {@code path} for a first load ({@link FreshLoad}; the caller checked
     * {@link FreshLoad#possible}): it is written under a temporary name, and {@link #close} publishes it.
     */
    public static Database openFreshLoad(Path path, DatabaseSettings settings) throws SQLException {
        Path loading = FreshLoad.loadingPath(path);
        createParent(loading);
        SQLiteConfig cfg = writerConfig(settings);
        cfg.setJournalMode(SQLiteConfig.JournalMode.MEMORY); // a failed batch still rolls back
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.OFF); // one fsync at the publish instead
        cfg.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE); // no other reader or writer until it is published
        return new Database(loading, cfg.createConnection("jdbc:sqlite:" + loading), settings, null, path);
    }

    private static SQLiteConfig writerConfig(DatabaseSettings settings) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(settings.busyTimeoutMillis());
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        cfg.setCacheSize(-settings.cacheKib());
        // Only a new file takes it (SQLite keeps an existing file's page size). Transcript rows are large (tool
        // output of many KB): with 4 KiB pages most of them spilled into overflow chains, and every page the
        // writer wrote and the end of a load read back was a system call of its own. Measured on the 200 MB
        // benchmark corpus: a quarter of the page reads and writes, the end of the load 0.1 s shorter.
        cfg.setPageSize(settings.pageSize());
        cfg.setJournalSizeLimit(64 * 1024 * 1024);
        // the driver's default runs and prepares "SELECT last_insert_rowid()" after every INSERT (a tenth of
        // the writer's time in a backfill); no writer reads generated keys
        cfg.setGetGeneratedKeys(false);
        return cfg;
    }

    private static void createParent(Path path) throws SQLException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create the directory of database " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens a read-only connection (queries, validation): never takes the write lock. */
    public static Connection openReadOnly(Path path, int busyTimeoutMillis) throws SQLException {
        return ReadOnlyDatabase.open(path, busyTimeoutMillis);
    }

    /** The file written now: the database, or during a fresh load its temporary name. */
    public Path path() {
        return path;
    }

    /** Closes {@code resource} when this database closes. */
    public void closeWith(AutoCloseable resource) {
        closeWith.add(resource);
    }

    /** Adds work to every later write transaction (the file registry's pending changes). */
    public void addTransactionHook(TransactionHook hook) {
        hooks.add(hook);
    }

    /**
     * Recomputes, before the commit, the reported-cost shares of the workers this transaction's rows marked
     * ({@link ApiCallCosts}), so that no committed state holds shares older than their calls. Skipped while the schema
     * has no shares (a migration to v19 not applied yet).
     */
    private void settleCosts() throws SQLException {
        if (!costShares) {
            costShares = dialect.tableExists(writer, ApiCallCosts.DIRTY);
            if (!costShares) {
                return;
            }
        }
        ApiCallCosts.settle(writer);
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction and commits it. A busy or locked
     * database is retried with exponential back-off (with jitter) for as long as it takes; any other
     * failure rolls back and is thrown.
     */
    public <T> T write(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            long backoff = settings.retryInitialMillis();
            int attempts = 0;
            while (true) {
                try {
                    exec(dialect.beginWrite());
                    boolean split = redo != null && !spool.away(); // while away, nothing reads or writes the file
                    if (spool != null) {
                        spool.beforeWork();
                        spool.writeEvents(writer);
                    }
                    if (split) {
                        redo.beforeWork();
                    }
                    for (TransactionHook h : hooks) {
                        h.beforeWork();
                    }
                    T result = work.run(writer);
                    settleCosts();
                    if (split) {
                        redo.beforeCommit();
                    }
                    exec("COMMIT");
                    if (checkpointer != null) {
                        checkpointer.committed();
                    }
                    if (split) {
                        redo.afterCommit();
                        if (conversationsCheckpointer != null) {
                            conversationsCheckpointer.committed();
                        }
                    }
                    if (spool != null) {
                        spool.afterCommit();
                    }
                    hooks.forEach(TransactionHook::afterCommit);
                    return result;
                } catch (SQLException e) {
                    rollbackQuietly();
                    if (postgres != null && dialect.isConnectionLost(e)) {
                        // the server restarted or dropped us: nothing of this transaction committed (its offsets
                        // neither), so a new connection runs it again, for as long as the server takes to return
                        attempts++;
                        if (attempts == 1 || attempts % 20 == 0) {
                            LOG.warn("database {} connection lost ({}); reconnecting (attempt {})", describe(),
                                    e.getMessage(), attempts);
                        }
                        sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                        backoff = Math.min(backoff * 2, settings.retryMaxMillis());
                        reconnect();
                        continue;
                    }
                    if (!dialect.isRetryable(e) || attempts >= dialect.retryLimit(e)) {
                        if (watch != null && !(e instanceof ConversationsPending)) {
                            watch.nudge(); // the conversations file may be what failed: look now
                        }
                        throw e;
                    }
                    attempts++;
                    if (attempts == 1 || attempts % 20 == 0) {
                        LOG.warn("database {} is busy or locked ({}); retrying (attempt {})", describe(), e.getMessage(),
                                attempts);
                    }
                    sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                    backoff = Math.min(backoff * 2, settings.retryMaxMillis());
                } catch (RuntimeException | Error e) {
                    rollbackQuietly();
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * PostgreSQL: a new writer connection for one the server dropped, holding the host id's lock again (another
     * sidecar of the same host id that took it meanwhile makes this one fail, as at start). A server still away
     * leaves the old connection in place for the next attempt.
     */
    private void reconnect() throws SQLException {
        Connection fresh;
        try {
            fresh = postgres.connect(false);
        } catch (SQLException e) {
            return; // still away: the caller's next attempt tries again
        }
        try {
            takeHostLock(fresh, postgres);
        } catch (SQLException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        closeStatements();
        try {
            writer.close();
        } catch (SQLException ignored) {
            // it is gone already
        }
        writer = fresh;
        LOG.warn("database {} reconnected", describe());
    }

    /** Runs work on the writer connection outside a transaction (migrations manage their own). */
    public <T> T withWriter(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            return work.run(writer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A prepared statement cached on the writer connection. Only valid inside {@link #write} or
     * {@link #withWriter} (the caller holds the writer lock).
     */
    public PreparedStatement prepare(String sql) throws SQLException {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("prepare() outside a write transaction");
        }
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = writer.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollbackQuietly() {
        if (redo != null) {
            redo.afterRollback();
        }
        if (spool != null) {
            spool.afterRollback();
        }
        hooks.forEach(TransactionHook::afterRollback);
        try {
            if (!writer.getAutoCommit()) {
                writer.rollback();
            } else {
                exec("ROLLBACK");
            }
        } catch (SQLException ignored) {
            // no transaction was open
        }
    }

    private static void sleep(long millis) throws SQLException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a busy database", e);
        }
    }

    /** Checkpoints the WAL into the main file (at shutdown, so the file is self-contained). */
    public void checkpoint() {
        if (publishAs != null || postgres != null) {
            return; // no log: the publish leaves the file self-contained
        }
        try {
            withWriter(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.debug("checkpoint skipped: {}", e.getMessage());
        }
    }

    /**
     * Closes the database after a start that failed (a migration, say): a fresh load is deleted, not
     * published, so the next backfill starts it again.
     */
    public void discard() {
        if (publishAs == null) {
            close();
            return;
        }
        closed = true;
        closeConnection();
        try {
            FreshLoad.discard(path);
        } catch (SQLException e) {
            LOG.warn(e.getMessage());
        }
    }

    /**
     * Closes the writer connection. A fresh load is then published under its real name: everything it
     * committed is consistent, also after a timeout or a failed batch; a failure to publish is thrown.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeConnection();
        if (publishAs != null) {
            try {
                FreshLoad.publish(path, publishAs);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private void closeConnection() {
        for (AutoCloseable r : closeWith) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", r, e.getMessage());
            }
        }
        if (watch != null) {
            watch.close();
        }
        if (checkpointer != null) {
            checkpointer.close();
        }
        if (conversationsCheckpointer != null) {
            conversationsCheckpointer.close();
        }
        lock.lock();
        try {
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            statements.clear();
            writer.close();
        } catch (SQLException e) {
            LOG.warn("closing {}: {}", describe(), e.getMessage());
        } finally {
            lock.unlock();
            if (periodicSync != null) {
                // after the connection: closing another descriptor of the file drops SQLite's POSIX locks on it
                periodicSync.close();
            }
        }
    }
}
