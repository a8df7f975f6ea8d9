package io.taclog.sink;

import io.taclog.model.Times;
import io.taclog.source.FileKey;
import io.taclog.source.FileRange;
import io.taclog.source.FileRegistry;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The file registry: the {@code ingest_files} table of the database it feeds, held in memory and written
 * through.
 *
 * <p>The tailer asks the registry about every file it sees (a backfill of 20,000 session files asks 20,000
 * times), so reads come from memory, loaded once. Changes (a new generation, a rename, a state change) take
 * effect in memory at once and reach the table in the next write transaction on the database, whichever it
 * is: usually the very batch that commits the file's first lines, so a new file costs no transaction of its
 * own. Until then they are pending; a transaction that rolls back leaves them pending for the next one, and
 * a crash loses only identity facts that the next start derives again from the files themselves. Committed
 * offsets move in memory only after the batch that moved them committed ({@link #committed}).
 *
 * <p>Thread-safe: tail consumers call it from their threads, the writer from its own.
 */
public final class SqliteFileRegistry implements FileRegistry, Database.TransactionHook {

    private static final String COLUMNS = "file_id, source_kind, device, inode, first_line_hash, path, start_offset, "
            + "committed_offset, marker_hash, marker_length, state, parse_state";

    private final Database db;
    private final Clock clock;
    /** PostgreSQL: this sidecar's host id (its rows only) and where new ids come from; null for SQLite. */
    private final String hostId;
    private final io.taclog.sink.dialect.PostgresFileIds sharedIds;
    private final String insertSql;
    private final Map<Long, Entry> byId = new HashMap<>();
    private final Map<String, List<Entry>> byIdentity = new HashMap<>();
    private final Map<String, List<Entry>> byFirstLine = new HashMap<>();
    private final List<SqlOp> pending = new ArrayList<>();
    private int applying;
    private long nextId = -1;

    /** One generation as known in memory. */
    private static final class Entry {
        final long fileId;
        final String kind;
        final FileKey key;
        final String firstLineHash;
        final long startOffset;
        String path;
        long committedOffset;
        String marker;
        int markerLength;
        String state;
        String parseState;

        Entry(long fileId, String kind, FileKey key, String firstLineHash, String path, long startOffset,
              long committedOffset, String marker, int markerLength, String state, String parseState) {
            this.fileId = fileId;
            this.kind = kind;
            this.key = key;
            this.firstLineHash = firstLineHash;
            this.path = path;
            this.startOffset = startOffset;
            this.committedOffset = committedOffset;
            this.marker = marker;
            this.markerLength = markerLength;
            this.state = state;
            this.parseState = parseState;
        }

        StoredFile snapshot() {
            return new StoredFile(fileId, kind, key, firstLineHash, path, startOffset, committedOffset, marker,
                    markerLength, state, parseState);
        }
    }

    /** A change waiting for the next write transaction. */
    @FunctionalInterface
    private interface SqlOp {
        void apply() throws SQLException;
    }

    public SqliteFileRegistry(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.hostId = db.postgres() == null ? null : db.postgres().hostId();
        this.sharedIds = hostId == null ? null : new io.taclog.sink.dialect.PostgresFileIds(db.postgres());
        if (sharedIds != null) {
            db.closeWith(sharedIds);
        }
        this.insertSql = "INSERT INTO ingest_files(file_id, source_kind, path, device, inode, first_line_hash, "
                + "start_offset, committed_offset, start_parse_state, parse_state, state, adopted_from, first_seen_at, "
                + "state_changed_at" + (hostId == null ? ") VALUES (?,?,?,?,?,?,?,?,?,?,'active',?,?,?)"
                : ", host_id) VALUES (?,?,?,?,?,?,?,?,?,?,'active',?,?,?,?)");
        load(); // now, before any tail thread asks: loading needs the writer connection
        db.addTransactionHook(this);
    }

    @Override
    public synchronized Optional<StoredFile> findCurrent(String kind, FileKey key) {
        List<Entry> gens = byIdentity.get(identity(kind, key));
        if (gens != null) {
            for (int i = gens.size() - 1; i >= 0; i--) {
                Entry e = gens.get(i);
                if (!SUPERSEDED.equals(e.state)) {
                    return Optional.of(e.snapshot());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized List<StoredFile> findActive(String kind) {
        List<StoredFile> out = new ArrayList<>();
        for (Entry e : byId.values()) {
            if (e.kind.equals(kind) && ACTIVE.equals(e.state)) {
                out.add(e.snapshot());
            }
        }
        return out;
    }

    @Override
    public synchronized List<StoredFile> findSuperseded(String kind, String firstLineHash) {
        List<StoredFile> out = new ArrayList<>();
        List<Entry> same = byFirstLine.getOrDefault(firstLineHash, List.of());
        for (int i = same.size() - 1; i >= 0 && out.size() < 16; i--) {
            Entry e = same.get(i);
            if (e.kind.equals(kind) && SUPERSEDED.equals(e.state)) {
                out.add(e.snapshot());
            }
        }
        return out;
    }

    @Override
    public synchronized StoredFile register(String kind, FileKey key, String firstLineHash, Path path,
                                            long startOffset, String startParseState, Long adoptedFrom) {
        long id = newId();
        Entry e = new Entry(id, kind, key, firstLineHash, path.toString(), startOffset, startOffset, null, 0, ACTIVE,
                startParseState);
        index(e);
        String now = Times.format(clock.instant());
        pending.add(() -> {
            PreparedStatement ps = db.prepare(insertSql);
            ps.setLong(1, id);
            ps.setString(2, kind);
            ps.setString(3, path.toString());
            ps.setLong(4, key.device());
            ps.setLong(5, key.inode());
            ps.setString(6, firstLineHash);
            ps.setLong(7, startOffset);
            ps.setLong(8, startOffset);
            ps.setString(9, startParseState);
            ps.setString(10, startParseState);
            if (adoptedFrom == null) {
                ps.setNull(11, Types.INTEGER);
            } else {
                ps.setLong(11, adoptedFrom);
            }
            ps.setString(12, now);
            ps.setString(13, now);
            if (hostId != null) {
                ps.setString(14, hostId);
            }
            ps.executeUpdate();
            PreparedStatement ledger = db.prepare("INSERT INTO ingest_ledger(file_id) VALUES (?)");
            ledger.setLong(1, id);
            ledger.executeUpdate();
            upsertPath(id, path.toString(), now);
        });
        return e.snapshot();
    }

    @Override
    public synchronized void recordPath(long fileId, Path path) {
        Entry e = byId.get(fileId);
        if (e != null) {
            e.path = path.toString();
        }
        String now = Times.format(clock.instant());
        pending.add(() -> {
            PreparedStatement ps = db.prepare("UPDATE ingest_files SET path = ? WHERE file_id = ?");
            ps.setString(1, path.toString());
            ps.setLong(2, fileId);
            ps.executeUpdate();
            upsertPath(fileId, path.toString(), now);
        });
    }

    private void upsertPath(long fileId, String path, String now) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO ingest_file_paths(file_id, path, first_seen_at, last_seen_at) "
                + "VALUES (?,?,?,?) ON CONFLICT(file_id, path) DO UPDATE SET last_seen_at = excluded.last_seen_at");
        ps.setLong(1, fileId);
        ps.setString(2, path);
        ps.setString(3, now);
        ps.setString(4, now);
        ps.executeUpdate();
    }

    @Override
    public synchronized void markState(long fileId, String state, String reason) {
        Entry e = byId.get(fileId);
        if (e != null) {
            e.state = state;
        }
        String now = Times.format(clock.instant());
        pending.add(() -> {
            PreparedStatement ps = db.prepare(
                    "UPDATE ingest_files SET state = ?, state_reason = ?, state_changed_at = ? WHERE file_id = ?");
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setString(3, now);
            ps.setLong(4, fileId);
            ps.executeUpdate();
        });
    }

    @Override
    public synchronized Optional<StoredFile> reload(long fileId) {
        Entry e = byId.get(fileId);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    /** The writer committed {@code range} of a file: its offset, marker and parser state are now durable. */
    public synchronized void committed(FileRange range, String endState) {
        Entry e = byId.get(range.fileId());
        if (e != null && e.committedOffset == range.start()) {
            e.committedOffset = range.end();
            e.marker = range.marker();
            e.markerLength = range.markerLength();
            e.parseState = endState;
        }
    }

    /** True while changes wait for a write transaction. */
    public synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Writes pending changes now, in a transaction of their own (when no batch is coming to carry them). */
    @Override
    public void flush() {
        if (hasPending()) {
            try {
                db.write(c -> null);
            } catch (SQLException e) {
                throw new RegistryException(e);
            }
        }
    }

    @Override
    public synchronized void beforeWork() throws SQLException {
        applying = pending.size();
        for (int i = 0; i < applying; i++) {
            pending.get(i).apply();
        }
    }

    @Override
    public synchronized void afterCommit() {
        pending.subList(0, Math.min(applying, pending.size())).clear();
        applying = 0;
    }

    @Override
    public synchronized void afterRollback() {
        applying = 0;
    }

    private long newId() {
        if (sharedIds == null) {
            return nextId++;
        }
        try {
            return sharedIds.next();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private void load() {
        try {
            db.withWriter(c -> {
                long maxId = 0;
                try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM ingest_files"
                        + (hostId == null ? "" : " WHERE host_id = ?") + " ORDER BY file_id")) {
                    if (hostId != null) {
                        st.setString(1, hostId);
                    }
                    ResultSet rs = st.executeQuery();
                    while (rs.next()) {
                        Entry e = new Entry(rs.getLong("file_id"), rs.getString("source_kind"),
                                new FileKey(rs.getLong("device"), rs.getLong("inode")), rs.getString("first_line_hash"),
                                rs.getString("path"), rs.getLong("start_offset"), rs.getLong("committed_offset"),
                                rs.getString("marker_hash"), rs.getInt("marker_length"), rs.getString("state"),
                                rs.getString("parse_state"));
                        index(e);
                        maxId = Math.max(maxId, e.fileId);
                    }
                }
                if (hostId != null) {
                    return null; // ids come from the shared sequence
                }
                // AUTOINCREMENT never reuses an id, even of a deleted row: continue after the highest ever given
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT seq FROM sqlite_sequence WHERE name = 'ingest_files'")) {
                    if (rs.next()) {
                        maxId = Math.max(maxId, rs.getLong(1));
                    }
                }
                nextId = maxId + 1;
                return null;
            });
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private void index(Entry e) {
        byId.put(e.fileId, e);
        byIdentity.computeIfAbsent(identity(e.kind, e.key), k -> new ArrayList<>()).add(e);
        byFirstLine.computeIfAbsent(e.firstLineHash, k -> new ArrayList<>()).add(e);
    }

    private static String identity(String kind, FileKey key) {
        return kind + '\u0000' + key.device() + ':' + key.inode();
    }

    /** A registry operation failed; the tailer's caller treats it like a failed poll and retries. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(SQLException cause) {
            super("file registry: " + cause.getMessage(), cause);
        }
    }
}
