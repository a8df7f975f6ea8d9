package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.archive.ArchiveLog;
import io.taclog.archive.ArchiveMonth;
import io.taclog.archive.ArchiveRefused;
import io.taclog.archive.ArchiveSettings;
import io.taclog.archive.Archiver;
import io.taclog.archive.TableSum;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.sink.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog archive --month YYYY-MM | --list}: monthly archives (docs/storage.md, "Archives"). */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Move a complete month's rows to their own file (archive/logs-YYYY-MM.db beside the database), "
                + "read from one snapshot and checked (row counts, SHA-256 per table) before anything is deleted; "
                + "an interrupted run is resumed by running it again. Queries see archived months with "
                + "--include-archives. --list shows the archived months.")
public final class ArchiveCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--month", paramLabel = "YYYY-MM", description = "The month to archive (UTC).")
    String month;

    @Option(names = "--list", description = "List the archived months: state, rows, size, checksums.")
    boolean list;

    @Option(names = "--force", description = "Archive a complete month that ended less than taclog.archive.keep-days "
            + "ago (the current month is never archived).")
    boolean force;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory of the archive files (default: "
            + "taclog.archive.dir, else archive/ beside the database).")
    Path dir;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: table).")
    Format format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (list == (month != null)) {
            throw new CliException(Main.USAGE, "say --month YYYY-MM or --list");
        }
        TaclogConfig config = db.load();
        Path dbPath = config.get(ConfigKeys.DB);
        SqliteOnlyCommand.refuse(dbPath, "taclog archive");
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            list(out, dbPath);
            return Main.OK;
        }
        ArchiveMonth m;
        try {
            m = ArchiveMonth.parse(month);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.USAGE, "--month " + e.getMessage());
        }
        Instant now = Instant.now();
        if (!m.complete(now)) {
            throw refused(m + " is not over yet: only complete months are archived (a running month still gains rows)");
        }
        ArchiveSettings settings = ArchiveSettings.of(config);
        Path archiveDir = dir == null ? settings.dir() : dir.toAbsolutePath().normalize();
        int busy = config.get(ConfigKeys.DB_BUSY_TIMEOUT);
        ReadOnlyDb.open(dbPath).close(); // the checks only: the database exists, is taclog's, has the current schema
        Optional<ArchiveLog.Entry> recorded;
        try {
            recorded = Archiver.check(dbPath, archiveDir, m, busy);
        } catch (ArchiveRefused e) {
            throw refused(e.getMessage());
        }
        if (recorded.isEmpty() && !force && !m.endedDaysBefore(now, settings.keepDays())) {
            throw refused(m + " ended less than " + settings.keepDays() + " days ago (taclog.archive.keep-days); "
                    + "--force archives it now");
        }
        Archiver.Outcome o;
        try (Database d = Database.open(dbPath, IngestRuntime.databaseSettings(config))) {
            o = new Archiver(d, archiveDir, busy, Clock.systemUTC(), Archiver.NO_HOOK).archive(m);
        } catch (ArchiveRefused e) {
            throw refused(e.getMessage());
        } catch (SQLException | IOException e) {
            throw new CliException(Main.FAILURE, "archive of " + m + " failed: " + e.getMessage(), e);
        }
        print(out, dbPath, o);
        return Main.OK;
    }

    private static CliException refused(String why) {
        return new CliException(Main.USAGE, why + "; nothing was changed");
    }

    private void print(PrintWriter out, Path dbPath, Archiver.Outcome o) {
        ArchiveLog.Entry e = o.entry();
        if (format == Format.JSON) {
            Map<String, Object> doc = entry(dbPath, e);
            doc.put("archived_now", o.archivedNow());
            doc.put("started_from", o.startedFrom());
            doc.put("copies_written", o.copies());
            doc.put("late_rows", o.lateRows());
            doc.put("seconds", o.took().toMillis() / 1000.0);
            Tabular.printJson(out, doc);
            return;
        }
        if (!o.archivedNow()) {
            out.printf(Locale.ROOT, "%s is already archived in %s (%,d rows moved out on %s); nothing to do%n",
                    o.month(), o.file(), e.movedRows(), e.deletedAt());
            if (o.lateRows() > 0) {
                out.printf(Locale.ROOT, "note: %,d rows dated %s arrived after it was archived; they stay in the "
                        + "database (queries see both)%n", o.lateRows(), o.month());
            }
            return;
        }
        out.printf(Locale.ROOT, "archived %s: %,d rows moved from %s to %s%n", o.month(), e.movedRows(), dbPath,
                o.file());
        List<String> parts = new ArrayList<>();
        for (var t : e.tables().entrySet()) {
            if (t.getValue().moved() > 0) {
                parts.add(t.getKey() + " " + t.getValue().moved());
            }
        }
        out.println("  moved     " + String.join(", ", parts));
        long copies = e.rows() - e.movedRows();
        if (copies > 0) {
            out.printf(Locale.ROOT, "  copies    %,d rows of sessions, tasks and workers that later rows still refer "
                    + "to: kept in the database, copied into the archive%n", copies);
        }
        out.printf(Locale.ROOT, "  checked   quick_check ok; rows and SHA-256 of %d tables equal to the snapshot of %s, "
                + "and to the database's rows when they were deleted%n", e.tables().size(), e.snapshotAt());
        out.printf(Locale.ROOT, "  file      %s (%,d bytes)%n", Sizes.human(e.bytes()), e.bytes());
        if (!"none".equals(o.startedFrom())) {
            out.println("  resumed   from state '" + o.startedFrom() + "' left by an earlier run");
        }
        if (o.copies() > 1) {
            out.println("  copied    " + o.copies() + " times: the month changed while it was archived");
        }
        out.printf(Locale.ROOT, "  took      %.2f s%n", o.took().toMillis() / 1000.0);
    }

    private void list(PrintWriter out, Path dbPath) throws SQLException {
        List<ArchiveLog.Entry> entries;
        try (Connection c = ReadOnlyDb.open(dbPath)) {
            entries = ArchiveLog.all(c);
        }
        if (format == Format.JSON) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (ArchiveLog.Entry e : entries) {
                docs.add(entry(dbPath, e));
            }
            Tabular.printJson(out, docs);
            return;
        }
        if (entries.isEmpty()) {
            out.println("No month is archived.");
            return;
        }
        Tabular t = new Tabular("month", "state", "rows_moved", "copies", "size", "file", "archived_at", "checksum");
        for (ArchiveLog.Entry e : entries) {
            Path file = e.path(dbPath);
            t.add(e.month().toString(), e.state() + (Files.isRegularFile(file) ? "" : " (FILE MISSING)"),
                    e.movedRows(), e.rows() - e.movedRows(), Sizes.human(e.bytes()), file.toString(),
                    e.deletedAt() == null ? "" : e.deletedAt(), combined(e.tables()));
        }
        t.print(out, Format.TABLE);
        if (entries.stream().anyMatch(e -> !ArchiveLog.DELETED.equals(e.state()))) {
            out.println("A month not in state 'deleted' was interrupted: taclog archive --month YYYY-MM resumes it.");
        }
    }

    private static Map<String, Object> entry(Path dbPath, ArchiveLog.Entry e) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("month", e.month().toString());
        doc.put("state", e.state());
        doc.put("file", e.path(dbPath).toString());
        doc.put("file_present", Files.isRegularFile(e.path(dbPath)));
        doc.put("bytes", e.bytes());
        doc.put("rows", e.rows());
        doc.put("rows_moved", e.movedRows());
        doc.put("snapshot_at", e.snapshotAt());
        doc.put("copied_at", e.copiedAt());
        doc.put("verified_at", e.verifiedAt());
        doc.put("deleted_at", e.deletedAt());
        doc.put("checksum", combined(e.tables()));
        doc.put("tables", e.tables());
        return doc;
    }

    /** One short fingerprint of the whole archive: SHA-256 over the per-table checksums, first 16 hex digits. */
    static String combined(Map<String, TableSum> tables) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (var t : tables.entrySet()) {
                md.update((t.getKey() + ":" + t.getValue().rows() + ":" + t.getValue().sha256() + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
