package io.taclog.maintenance;

import io.taclog.rawarchive.RawArchiveStatus;
import io.taclog.schema.Migrations;
import io.taclog.sink.ConversationsFile;
import io.taclog.sink.ConversationsSpool;
import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code taclog doctor} reports about a database: files, pages, sizes, integrity, the last backup and the
 * state of ingestion. Everything is read through a read-only connection in one read transaction, which in WAL
 * mode never takes or waits for the writer's lock.
 */
public final class Doctor {

    /** The report; {@link #healthy} is false when quick_check did not answer "ok" or the file could not be read. */
    public record Report(String database, Integer schemaVersion, int latestVersion, boolean migrationsPending,
                         Map<String, Long> fileBytes, Long pageSize, Long pageCount, Long freelistPages,
                         Double fragmentationPercent, String quickCheck, boolean healthy, String sizesSource,
                         List<ObjectSize> objects, Map<String, Long> rows, BackupLog.Entry lastBackup,
                         List<String> deferredIndexes, Map<String, Long> filesByState, Long rejectedLines,
                         Long rejectedFragments, CommitLog commitLog, String archives, String rawArchive,
                         String conversations,
                         String spool) {
    }

    /** A table or index and the bytes of its pages (dbstat). */
    public record ObjectSize(String name, String type, String table, long bytes) {
    }

    /** The {@code ingest_commits} table: rows, bytes (null without dbstat), oldest commit time. */
    public record CommitLog(long rows, Long bytes, String oldest) {
    }

    static final String NO_SPOOL = "none (one file: conversation rows are written where they live)";

    private Doctor() {
    }

    /** Examines {@code db}, which must exist. A file too damaged to read gives an unhealthy report, no exception. */
    public static Report examine(Path db, int busyTimeoutMillis) {
        return examine(db, busyTimeoutMillis, null);
    }

    /** As {@link #examine(Path, int)}; {@code spoolCapBytes} (the configured cap, or null) is shown with the spool. */
    public static Report examine(Path db, int busyTimeoutMillis, Long spoolCapBytes) {
        Map<String, Long> files = fileBytes(db);
        Builder b = new Builder();
        try (Connection c = ReadOnlyDatabase.open(db, busyTimeoutMillis)) {
            c.setAutoCommit(false); // one snapshot for every number below
            try {
                b.read(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            b.quickCheck = b.quickCheck == null ? "cannot read the database: " + e.getMessage()
                    : b.quickCheck + "; then failed: " + e.getMessage();
        }
        boolean healthy = "ok".equals(b.quickCheck) && b.conversationsReadable;
        Double fragmentation = b.pageCount == null || b.pageCount == 0 ? null
                : Math.round(1000.0 * b.freelist / b.pageCount) / 10.0;
        return new Report(db.toString(), b.version, Migrations.latestVersion(),
                b.version != null && b.version < Migrations.latestVersion(), files, b.pageSize, b.pageCount,
                b.freelist, fragmentation, b.quickCheck, healthy, b.sizesSource, b.objects, b.rows, b.lastBackup,
                b.deferred, b.byState, b.rejectedLines, b.rejectedFragments, b.commitLog, b.archives, b.rawArchive,
                b.conversations, b.spool(spoolCapBytes));
    }

    private static Map<String, Long> fileBytes(Path db) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path f = db.resolveSibling(db.getFileName() + suffix);
            try {
                m.put(suffix.isEmpty() ? "db" : suffix.substring(1), Files.size(f));
            } catch (IOException e) {
                m.put(suffix.isEmpty() ? "db" : suffix.substring(1), null); // absent (no WAL after a clean close)
            }
        }
        return m;
    }

    /** The parts read so far (a damaged file stops the reading part-way). */
    private static final class Builder {
        Integer version;
        Long pageSize;
        Long pageCount;
        Long freelist;
        String quickCheck;
        String sizesSource;
        List<ObjectSize> objects = new ArrayList<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        BackupLog.Entry lastBackup;
        List<String> deferred = new ArrayList<>();
        Map<String, Long> byState = new LinkedHashMap<>();
        Long rejectedLines;
        Long rejectedFragments;
        CommitLog commitLog;
        String archives = "none (schema without archives)";
        String conversations = "in the database file (one file; taclog.db.conversations is not set)";
        boolean conversationsReadable = true;
        String rawArchive = "none (schema without the raw archive)";
        ConversationsSpool.State spool;

        void read(Connection c) throws SQLException {
            pageSize = SqlReads.number(c, "PRAGMA page_size");
            pageCount = SqlReads.number(c, "PRAGMA page_count");
            freelist = SqlReads.number(c, "PRAGMA freelist_count");
            quickCheck = Backup.quickCheck(c); // of the attached conversations file too
            conversations(c);
            spool = ConversationsSpool.state(c);
            version = Migrations.readVersion(c);
            rows = Tables.rowCounts(c);
            sizes(c);
            lastBackup = BackupLog.last(c).orElse(null);
            if (Tables.exists(c, "deferred_indexes")) {
                deferred.addAll(SqlReads.groups(c, "SELECT name, 0 FROM deferred_indexes ORDER BY name").keySet());
            }
            if (Tables.exists(c, "ingest_files")) {
                byState = SqlReads.groups(c, "SELECT state, COUNT(*) FROM ingest_files GROUP BY state ORDER BY state");
            }
            if (Tables.exists(c, "ingest_rejects")) {
                Map<String, Long> kinds = SqlReads.groups(c, "SELECT kind, COUNT(*) FROM ingest_rejects GROUP BY kind");
                rejectedLines = kinds.getOrDefault("line", 0L);
                rejectedFragments = kinds.entrySet().stream().filter(e -> !"line".equals(e.getKey()))
                        .mapToLong(Map.Entry::getValue).sum();
            }
            if (Tables.exists(c, "archives")) {
                archives = archives(c);
            }
            if (Tables.exists(c, "raw_archive_segments")) {
                rawArchive = RawArchiveStatus.read(c).describe();
            }
            if (Tables.exists(c, "ingest_commits")) {
                String oldest;
                try (PreparedStatement ps = c.prepareStatement("SELECT MIN(committed_at) FROM ingest_commits");
                     ResultSet rs = ps.executeQuery()) {
                    oldest = rs.next() ? rs.getString(1) : null;
                }
                Long bytes = !"dbstat".equals(sizesSource) ? null : objects.stream()
                        .filter(o -> "ingest_commits".equals(o.table())).mapToLong(ObjectSize::bytes).sum();
                commitLog = new CommitLog(rows.getOrDefault("ingest_commits", 0L), bytes, oldest);
            }
        }

        /**
         * The archived months (docs/storage.md, "Archives"): how many, their range, rows moved out and bytes, the
         * latest; and any month a run left half way (the next `taclog archive --month` resumes it).
         */
        private static String archives(Connection c) throws SQLException {
            StringBuilder sb = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(month), MAX(month), "
                    + "COALESCE(SUM(moved_rows), 0), COALESCE(SUM(bytes), 0), MAX(deleted_at) FROM archives "
                    + "WHERE state = 'deleted'"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                String range = n == 1 ? rs.getString(2) : rs.getString(2) + " to " + rs.getString(3);
                sb.append(n == 0 ? "no month archived" : String.format(java.util.Locale.ROOT, "%d month(s) archived "
                        + "(%s): %,d rows moved out, %,d bytes of archive files, the last on %s", n, range,
                        rs.getLong(4), rs.getLong(5), rs.getString(6)));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT month, state FROM archives WHERE state <> 'deleted' "
                    + "ORDER BY month"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sb.append("; ").append(rs.getString(1)).append(" stopped at '").append(rs.getString(2))
                            .append("' (taclog archive --month ").append(rs.getString(1)).append(" resumes it)");
                }
            }
            return sb.toString();
        }

        /** The split layout's spool of conversation content waiting for its disk (docs/storage.md). */
        String spool(Long capBytes) {
            if (spool == null) {
                return NO_SPOOL;
            }
            String cap = capBytes == null ? ""
                    : " (cap " + capBytes + " bytes, taclog.db.conversations.spool-max-bytes)";
            if (spool.rows() == 0) {
                return "empty" + cap;
            }
            return spool.rows() + " conversation blocks, " + spool.bytes() + " bytes" + cap + ", waiting since "
                    + spool.since() + " for the conversations disk; the sidecar stores them when it is back";
        }

        /** The split layout's second file: which, whether it is readable, its commit and its files' sizes. */
        private void conversations(Connection c) throws SQLException {
            ConversationsFile.Link link = ConversationsFile.link(c);
            if (link == null) {
                return;
            }
            if (!link.split()) {
                conversations = "being moved to " + link.path() + " (the next start of taclog finishes it)";
                return;
            }
            if (!ConversationsFile.attached(c)) {
                conversationsReadable = false;
                Path file = Path.of(link.path());
                boolean other = Files.isRegularFile(file) && sizeOf(file) > 0;
                String since = awaySince(c);
                conversations = link.path() + ": NOT READABLE (" + (other ? "the file there is not this database's "
                        + "file " + link.fileId() + ": a running sidecar keeps spooling, a start is refused; put the "
                        + "right file back" : "missing") + "); AWAY" + (since == null ? "" : " since " + since)
                        + ": taclog run goes on without it, spooling new conversation content, and takes it back when "
                        + "the same file is there again; queries leave conversation content out meanwhile";
                return;
            }
            ConversationsFile.Identity id = ConversationsFile.identity(c, ConversationsFile.SCHEMA);
            Map<String, Long> bytes = fileBytes(Path.of(link.path()));
            conversations = link.path() + ": attached; commit " + id.seq() + " (database at " + link.seq()
                    + (id.seq() == link.seq() ? "" : "; the next write repairs the commit a crash cut") + "); "
                    + bytes.entrySet().stream().map(e -> e.getKey() + " " + (e.getValue() == null ? "absent"
                    : e.getValue() + " bytes")).collect(java.util.stream.Collectors.joining(", "));
        }

        private static long sizeOf(Path file) {
            try {
                return Files.size(file);
            } catch (java.io.IOException e) {
                return 0;
            }
        }

        /** When the sidecar last recorded the file gone (a conversations_disk_gone event not followed by a back). */
        private static String awaySince(Connection c) throws SQLException {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT timestamp, event_type FROM main."
                    + "system_events WHERE session_id = 'taclog' AND event_type IN ('conversations_disk_gone', "
                    + "'conversations_disk_back') ORDER BY event_id DESC LIMIT 1");
                 java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && "conversations_disk_gone".equals(rs.getString(2)) ? rs.getString(1) : null;
            }
        }

        /** Bytes per table and index from the dbstat virtual table, when this SQLite build has it. */
        private void sizes(Connection c) throws SQLException {
            List<String> schemas = ConversationsFile.attached(c) ? List.of("main", ConversationsFile.SCHEMA)
                    : List.of("main");
            for (String schema : schemas) { // names never repeat across the two files
                try (PreparedStatement ps = c.prepareStatement("SELECT s.name, COALESCE(m.type, 'table'), "
                        + "COALESCE(m.tbl_name, s.name), s.pgsize FROM dbstat(?) AS s LEFT JOIN " + schema
                        + ".sqlite_master AS m ON m.name = s.name WHERE s.aggregate = 1")) {
                    ps.setString(1, schema);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            objects.add(new ObjectSize(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getLong(4)));
                        }
                    }
                } catch (SQLException e) {
                    if (e.getMessage() == null || !e.getMessage().contains("no such table: dbstat")) {
                        throw e;
                    }
                    objects.clear();
                    sizesSource = "none: this SQLite build has no dbstat table, so only row counts are shown";
                    return;
                }
            }
            objects.sort(java.util.Comparator.comparingLong(ObjectSize::bytes).reversed()
                    .thenComparing(ObjectSize::name));
            sizesSource = "dbstat";
        }
    }
}
