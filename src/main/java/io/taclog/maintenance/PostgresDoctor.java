package io.taclog.maintenance;

import io.taclog.schema.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code taclog doctor} reports about a PostgreSQL database shared by the sidecars of many hosts: the server,
 * the schema, sizes, and per host the files, lines, rejects, the last commit and whether its sidecar is writing now.
 * A file's integrity, pages, WAL, backups and the split layout are SQLite's questions; on a server they belong to
 * its own tools (pg_dump, pg_stat_*), which docs/operations.md names.
 *
 * <p>Everything is read in one read-only REPEATABLE READ transaction, so the figures are one snapshot and the
 * sidecars' writes never wait for it.
 */
public final class PostgresDoctor {

    /**
     * The report.
     *
     * @param database the JDBC URL (never a password: taclog refuses URLs that carry one)
     * @param server the server's version string
     * @param databaseBytes {@code pg_database_size} of the database
     * @param hosts one line per host id that has registered files, sorted
     * @param objects tables with their total bytes (indexes and TOAST included) and rows, largest first
     */
    public record Report(String database, String server, Integer schemaVersion, int latestVersion,
                         boolean migrationsPending, long databaseBytes, List<Host> hosts,
                         List<TableSize> objects, Long rejectedLines, Long rejectedFragments,
                         Doctor.CommitLog commitLog) {
    }

    /**
     * One host's sidecar as the database sees it.
     *
     * @param filesByState file generations by state (active, detached, superseded)
     * @param linesRead lines of its files committed, each once
     * @param lastCommitAt the latest commit of any of its files, null before the first
     * @param writingSince when the connection holding the host's write lock started, null when no sidecar of this
     *                     host id is writing now
     * @param writerAddress the client address of that connection (null for a local socket or no writer)
     */
    public record Host(String hostId, Map<String, Long> filesByState, long linesRead, long linesRejected,
                       String lastCommitAt, String writingSince, String writerAddress) {

        public boolean writingNow() {
            return writingSince != null;
        }
    }

    /** A table: its bytes with its indexes and TOAST, and its rows. */
    public record TableSize(String table, long bytes, long rows) {
    }

    private PostgresDoctor() {
    }

    /** Examines the database of {@code c}, a read-only connection; the caller closes it. */
    public static Report examine(Connection c, String url) throws SQLException {
        c.setAutoCommit(false);
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot for every figure
            return read(c, url);
        } finally {
            c.rollback();
        }
    }

    private static Report read(Connection c, String url) throws SQLException {
        String server = SqlReads.text(c, "SELECT version()");
        long bytes = SqlReads.number(c, "SELECT pg_database_size(current_database())");
        Integer version = Migrations.readVersion(c);
        List<TableSize> tables = tables(c);
        Map<String, Long> rejects = SqlReads.groups(c, "SELECT kind, COUNT(*) FROM ingest_rejects GROUP BY kind ORDER BY kind");
        long lines = rejects.getOrDefault("line", 0L);
        long fragments = rejects.values().stream().mapToLong(Long::longValue).sum() - lines;
        long commits = tables.stream().filter(t -> "ingest_commits".equals(t.table())).mapToLong(TableSize::rows)
                .sum();
        long commitBytes = tables.stream().filter(t -> "ingest_commits".equals(t.table()))
                .mapToLong(TableSize::bytes).sum();
        Doctor.CommitLog log = new Doctor.CommitLog(commits, commitBytes,
                SqlReads.text(c, "SELECT MIN(committed_at) FROM ingest_commits"));
        return new Report(url, server, version, Migrations.latestVersion(),
                version != null && version < Migrations.latestVersion(), bytes, hosts(c), tables, lines, fragments,
                log);
    }

    /**
     * The hosts with files, and the sidecar holding each host's session lock ({@code Database.openPostgres} takes
     * {@code pg_try_advisory_lock(hashtext('taclog host ' || id))}): an advisory lock on one bigint key shows in
     * pg_locks as its high half in classid, its low half in objid and objsubid 1.
     */
    private static List<Host> hosts(Connection c) throws SQLException {
        Map<String, Map<String, Long>> states = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT host_id, state, COUNT(*) FROM ingest_files "
                + "GROUP BY host_id, state ORDER BY host_id, state"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                states.computeIfAbsent(rs.getString(1), h -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        Map<String, String[]> writers = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT h.host_id, to_char(MIN(a.backend_start) AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                + "MIN(host(a.client_addr)) FROM (SELECT DISTINCT host_id, hashtext('taclog host ' || host_id)::bigint "
                + "AS lock_key FROM ingest_files) h JOIN pg_locks k ON k.locktype = 'advisory' AND k.granted "
                + "AND k.objsubid = 1 AND k.classid::bigint = ((h.lock_key >> 32) & 4294967295) "
                + "AND k.objid::bigint = (h.lock_key & 4294967295) "
                + "AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "JOIN pg_stat_activity a ON a.pid = k.pid GROUP BY h.host_id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                writers.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        List<Host> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT f.host_id, COALESCE(SUM(l.lines_read), 0), "
                + "COALESCE(SUM(l.lines_rejected), 0), MAX(f.last_commit_at) FROM ingest_files f "
                + "LEFT JOIN ingest_ledger l ON l.file_id = f.file_id GROUP BY f.host_id ORDER BY f.host_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String host = rs.getString(1);
                String[] writer = writers.getOrDefault(host, new String[2]);
                out.add(new Host(host, states.getOrDefault(host, Map.of()), rs.getLong(2), rs.getLong(3),
                        rs.getString(4), writer[0], writer[1]));
            }
        }
        return out;
    }

    /** The schema's tables, with pg_total_relation_size and an exact row count, largest first. */
    private static List<TableSize> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        List<TableSize> out = new ArrayList<>();
        for (String t : names) {
            // the names come from the catalogue, and are quoted: no user text reaches this statement
            String quoted = '"' + t.replace("\"", "\"\"") + '"';
            out.add(new TableSize(t, SqlReads.number(c, "SELECT pg_total_relation_size('" + quoted.replace("'", "''")
                    + "'::regclass)"), SqlReads.number(c, "SELECT COUNT(*) FROM " + quoted)));
        }
        out.sort(java.util.Comparator.comparingLong(TableSize::bytes).reversed().thenComparing(TableSize::table));
        return out;
    }
}
