package io.taclog.cli;

import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.rawarchive.ArchiveIndex;
import io.taclog.rawarchive.RawArchiveRefused;
import io.taclog.rawarchive.RawArchiveSettings;
import io.taclog.rawarchive.RawArchiveStatus;
import io.taclog.rawarchive.RawArchiver;
import io.taclog.rawarchive.SourceRoots;
import io.taclog.sink.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog archive-raw [--list]}: the raw JSONL archive (docs/storage.md, "Raw JSONL archive"). */
@Command(name = "archive-raw", mixinStandardHelpOptions = true,
        description = "Copy the committed bytes of every ingested file that is idle or complete into compressed "
                + "monthly segments with a manifest (DIR/raw/YYYY-MM/), so they survive the originals; only what is "
                + "new since the last run is copied. --list shows what the archive holds. Restore with "
                + "taclog backfill --from-archive DIR; check with taclog validate --against-archive DIR.")
public final class ArchiveRawCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Option(names = "--dir", paramLabel = "DIR", description = "The archive directory (its raw/ folder holds the "
            + "segments; default: taclog.raw-archive.dir, else taclog.archive.dir, else archive/ beside the database).")
    Path dir;

    @Option(names = "--idle-seconds", paramLabel = "N", description = "Archive a file once it and its committed "
            + "offset did not change for N seconds (default: taclog.raw-archive.idle-seconds, 300; 0 = all that is "
            + "committed now).")
    Long idleSeconds;

    @Option(names = "--list", description = "Show what the archive holds per month, and what the database has not "
            + "archived yet.")
    boolean list;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: table).")
    Format format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (idleSeconds != null && idleSeconds < 0) {
            throw new CliException(Main.USAGE, "--idle-seconds must be 0 or more, not " + idleSeconds);
        }
        TaclogConfig config = db.load();
        Path dbPath = config.get(ConfigKeys.DB);
        SqliteOnlyCommand.refuse(dbPath, "taclog archive-raw");
        RawArchiveSettings settings = RawArchiveSettings.of(config);
        if (dir != null) {
            settings = settings.withDir(dir);
        }
        if (idleSeconds != null) {
            settings = settings.withIdle(Duration.ofSeconds(idleSeconds));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            return list(out, dbPath, settings.dir());
        }
        if (!Files.isRegularFile(dbPath)) {
            throw new CliException(Main.USAGE, "database " + dbPath + " does not exist; nothing was changed");
        }
        ReadOnlyDb.open(dbPath).close(); // a taclog database with the current schema
        RawArchiver.Outcome o;
        try (Database d = Database.open(dbPath, IngestRuntime.databaseSettings(config))) {
            o = new RawArchiver(d, settings, SourceRoots.of(config), config.get(ConfigKeys.DB_BUSY_TIMEOUT),
                    Clock.systemUTC()).run();
        } catch (RawArchiveRefused e) {
            throw new CliException(Main.USAGE, e.getMessage() + "; nothing was changed");
        } catch (SQLException | IOException e) {
            throw new CliException(Main.FAILURE, "raw archive into " + settings.dir() + " failed: " + e.getMessage(),
                    e);
        }
        print(out, settings, o);
        return Main.OK;
    }

    private void print(PrintWriter out, RawArchiveSettings settings, RawArchiver.Outcome o) {
        if (format == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dir", o.raw().toString());
            doc.put("segments", o.segments());
            doc.put("bytes", o.bytes());
            doc.put("compressed_bytes", o.compressedBytes());
            doc.put("recovered", o.recovered());
            doc.put("missed", o.missed());
            doc.put("missed_bytes", o.missedBytes());
            doc.put("waiting", o.waiting());
            doc.put("unreachable", o.unreachable());
            doc.put("problems", o.problems());
            doc.put("seconds", o.took().toMillis() / 1000.0);
            Tabular.printJson(out, doc);
            return;
        }
        if (o.segments() == 0) {
            out.println("nothing new to archive in " + o.raw());
        } else {
            out.printf(Locale.ROOT, "archived %,d segments: %s in %s (%.1fx) to %s%n", o.segments(),
                    Sizes.human(o.bytes()), Sizes.human(o.compressedBytes()),
                    o.compressedBytes() == 0 ? 0.0 : (double) o.bytes() / o.compressedBytes(), o.raw());
        }
        if (o.recovered() > 0) {
            out.printf(Locale.ROOT, "  resumed   %,d segments an interrupted run had written%n", o.recovered());
        }
        if (o.waiting() > 0) {
            out.printf(Locale.ROOT, "  waiting   %,d files changed less than %d s ago (archived once idle)%n",
                    o.waiting(), settings.idle().toSeconds());
        }
        if (o.missed() > 0) {
            out.printf(Locale.ROOT, "  missed    %,d ranges (%s) were gone before they could be archived (recorded in "
                    + "the manifest)%n", o.missed(), Sizes.human(o.missedBytes()));
        }
        if (o.unreachable() > 0) {
            out.printf(Locale.ROOT, "  not found %,d files are at none of their paths now; tried again next run%n",
                    o.unreachable());
            o.problems().stream().limit(5).forEach(p -> out.println("            " + p));
        }
        out.printf(Locale.ROOT, "  took      %.2f s%n", o.took().toMillis() / 1000.0);
    }

    private int list(PrintWriter out, Path dbPath, Path archiveDir) throws SQLException {
        ArchiveIndex index;
        try {
            index = ArchiveIndex.load(archiveDir);
        } catch (RawArchiveRefused e) {
            throw new CliException(Main.USAGE, e.getMessage());
        }
        RawArchiveStatus status = null;
        if (Files.isRegularFile(dbPath)) {
            try (Connection c = ReadOnlyDb.open(dbPath)) {
                status = RawArchiveStatus.read(c);
            }
        }
        if (format == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("dir", index.raw().toString());
            List<Map<String, Object>> months = new ArrayList<>();
            for (ArchiveIndex.MonthTotals m : index.months()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("month", m.month());
                row.put("segments", m.segments());
                row.put("files", m.files());
                row.put("bytes", m.bytes());
                row.put("compressed_bytes", m.compressedBytes());
                row.put("missed", m.missed());
                row.put("missed_bytes", m.missedBytes());
                months.add(row);
            }
            doc.put("months", months);
            doc.put("files", index.generations().size());
            doc.put("files_with_gaps", index.generations().stream().filter(g -> g.gap() != null).count());
            doc.put("database", status);
            Tabular.printJson(out, doc);
            return Main.OK;
        }
        Tabular t = new Tabular("month", "segments", "files", "bytes", "compressed", "ratio", "missed");
        for (ArchiveIndex.MonthTotals m : index.months()) {
            t.add(m.month(), m.segments(), m.files(), Sizes.human(m.bytes()), Sizes.human(m.compressedBytes()),
                    String.format(Locale.ROOT, "%.1fx", m.compressedBytes() == 0 ? 0.0
                            : (double) m.bytes() / m.compressedBytes()),
                    m.missed() == 0 ? "" : m.missed() + " (" + Sizes.human(m.missedBytes()) + ")");
        }
        out.println("raw archive " + index.raw() + ": " + index.generations().size() + " file generations");
        t.print(out, Format.TABLE);
        long gaps = index.generations().stream().filter(g -> g.gap() != null).count();
        if (gaps > 0) {
            out.printf(Locale.ROOT, "%,d files have a hole in their bytes (missed before archiving); a restore reads "
                    + "each up to it%n", gaps);
        }
        if (status != null) {
            out.println("database " + dbPath + ": " + status.describe());
        }
        return Main.OK;
    }
}
