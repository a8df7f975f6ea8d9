package io.taclog.cli;

import io.taclog.maintenance.Doctor;
import io.taclog.maintenance.PostgresDoctor;
import io.taclog.sink.dialect.PostgresTarget;
import java.sql.Connection;
import java.sql.SQLException;
import io.taclog.sink.FreshLoad;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog doctor}: the health of a database file (docs/storage.md) or a PostgreSQL database (docs/operations.md), read-only. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report the database's files, sizes, integrity (quick_check), last backup and ingest state; "
                + "on PostgreSQL the server, schema, sizes and each host's sidecar. Read-only, never blocks the "
                + "sidecar. Exit 1 when quick_check fails or the database cannot be read.")
public final class DoctorCommand implements Callable<Integer> {

    /** Output formats of doctor (a report, not rows: no CSV). */
    enum DoctorFormat { TEXT, JSON }

    @Mixin
    DbOption db;

    @Option(names = "--format", defaultValue = "text", description = "text or json.")
    DoctorFormat format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path path = db.path();
        if (PostgresTarget.isPostgres(path)) {
            return postgres();
        }
        if (!Files.isRegularFile(path)) {
            throw new CliException(Main.USAGE, "database " + path + " does not exist"
                    + (Files.exists(FreshLoad.loadingPath(path)) ? " yet: a first backfill is building it" : ""));
        }
        long spoolCap = db.load().get(io.taclog.config.ConfigKeys.DB_CONVERSATIONS_SPOOL_MAX);
        Doctor.Report r = Doctor.examine(path, 5000, spoolCap);
        PrintWriter out = spec.commandLine().getOut();
        if (format == DoctorFormat.JSON) {
            out.println(JsonOut.write(r));
        } else {
            text(out, r);
        }
        return r.healthy() ? Main.OK : Main.FAILURE;
    }

    /** The report of a PostgreSQL database: the server, the schema, each host's sidecar, sizes (docs/operations.md). */
    private Integer postgres() {
        PostgresTarget target = io.taclog.app.Databases.postgres(db.load());
        PostgresDoctor.Report r;
        try (Connection c = target.connect(true)) {
            r = PostgresDoctor.examine(c, target.url());
        } catch (SQLException e) {
            throw new CliException(Main.FAILURE, "cannot read database " + target.url() + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == DoctorFormat.JSON) {
            out.println(JsonOut.write(r));
            return Main.OK;
        }
        out.println("taclog doctor: " + r.database());
        line(out, "server", r.server());
        line(out, "schema", r.schemaVersion() == null ? "none: run taclog migrate" : schema(r.schemaVersion(),
                r.latestVersion(), r.migrationsPending()));
        line(out, "size", Sizes.human(r.databaseBytes()) + " (pg_database_size)");
        line(out, "rejects", r.rejectedLines() + " rejected lines, " + r.rejectedFragments() + " rejected fragments");
        var k = r.commitLog();
        line(out, "commit log", "ingest_commits " + k.rows() + " rows, " + Sizes.human(k.bytes()) + ", oldest "
                + (k.oldest() == null ? "none" : k.oldest()));
        line(out, "backups", "the server's own (pg_dump, base backups); taclog backup is for SQLite files");
        line(out, "hosts", r.hosts().isEmpty() ? "none has registered a file yet" : r.hosts().size() + " ("
                + r.hosts().stream().filter(PostgresDoctor.Host::writingNow).count() + " writing now)");
        for (PostgresDoctor.Host h : r.hosts()) {
            long files = h.filesByState().values().stream().mapToLong(Long::longValue).sum();
            line(out, "  " + h.hostId(), (h.writingNow() ? "WRITING since " + h.writingSince()
                    + (h.writerAddress() == null ? "" : " from " + h.writerAddress()) : "no sidecar writing")
                    + "; " + files + " file generations (" + join(h.filesByState()) + "); " + h.linesRead()
                    + " lines, " + h.linesRejected() + " rejected; last commit "
                    + (h.lastCommitAt() == null ? "none" : h.lastCommitAt()));
        }
        out.println();
        out.println("sizes per table (indexes and TOAST included)");
        Tabular t = new Tabular("table", "bytes", "size", "rows");
        for (PostgresDoctor.TableSize s : r.objects()) {
            t.add(s.table(), s.bytes(), Sizes.human(s.bytes()), s.rows());
        }
        t.print(out, Format.TABLE);
        return Main.OK;
    }

    private static String schema(int version, int latest, boolean pending) {
        return "version " + version + " (this taclog: " + latest + "; " + (pending ? "migrations pending: run taclog "
                + "migrate" : version > latest ? "written by a newer taclog" : "none pending") + ")";
    }

    private static void text(PrintWriter out, Doctor.Report r) {
        out.println("taclog doctor: " + r.database());
        line(out, "integrity", "quick_check " + r.quickCheck());
        if (r.schemaVersion() != null) {
            line(out, "schema", schema(r.schemaVersion(), r.latestVersion(), r.migrationsPending()));
        }
        line(out, "files", r.fileBytes().entrySet().stream()
                .map(e -> e.getKey() + " " + (e.getValue() == null ? "absent" : Sizes.human(e.getValue())))
                .collect(Collectors.joining(", ")));
        if (r.pageCount() != null) {
            line(out, "pages", String.format(Locale.ROOT, "%d of %d bytes; %d free (%.1f %% fragmentation)",
                    r.pageCount(), r.pageSize(), r.freelistPages(), r.fragmentationPercent()));
        }
        var b = r.lastBackup();
        line(out, "last backup", b == null ? "none recorded" : b.takenAt() + " to " + b.target() + " ("
                + Sizes.human(b.bytes()) + ", " + b.millis() + " ms)");
        line(out, "deferred", r.deferredIndexes().isEmpty() ? "no index waiting to be built"
                : r.deferredIndexes().size() + " indexes waiting (built at the next start of taclog run): "
                + String.join(", ", r.deferredIndexes()));
        if (r.rejectedLines() != null) {
            long files = r.filesByState().values().stream().mapToLong(Long::longValue).sum();
            line(out, "ingest", files + " file generations (" + join(r.filesByState()) + "); "
                    + r.rejectedLines() + " rejected lines, " + r.rejectedFragments() + " rejected fragments");
        }
        if (r.commitLog() != null) {
            var k = r.commitLog();
            line(out, "commit log", "ingest_commits " + k.rows() + " rows"
                    + (k.bytes() == null ? "" : ", " + Sizes.human(k.bytes())) + ", oldest "
                    + (k.oldest() == null ? "none" : k.oldest()));
        }
        line(out, "archives", r.archives());
        line(out, "conversations", r.conversations());
        line(out, "raw archive", r.rawArchive());
        line(out, "spool", r.spool());
        out.println();
        Tabular t;
        if (r.objects().isEmpty()) {
            out.println("rows per table (sizes: " + r.sizesSource() + ")");
            t = new Tabular("table", "rows");
            r.rows().forEach(t::add);
        } else {
            out.println("sizes per table and index (dbstat)");
            t = new Tabular("name", "type", "table", "bytes", "size", "rows");
            for (Doctor.ObjectSize o : r.objects()) {
                t.add(o.name(), o.type(), o.table(), o.bytes(), Sizes.human(o.bytes()),
                        "table".equals(o.type()) ? r.rows().get(o.name()) : null);
            }
        }
        t.print(out, Format.TABLE);
    }

    private static String join(Map<String, Long> m) {
        return m.isEmpty() ? "none" : m.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    private static void line(PrintWriter out, String label, String value) {
        out.printf("%-12s %s%n", label, value);
    }
}
