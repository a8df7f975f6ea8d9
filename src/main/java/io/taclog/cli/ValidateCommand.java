package io.taclog.cli;

import io.taclog.archive.ArchiveViews;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.BatchParser;
import io.taclog.rawarchive.ArchiveCopies;
import io.taclog.rawarchive.ArchiveIndex;
import io.taclog.rawarchive.RawArchiveRefused;
import io.taclog.validate.ArchivedCopies;
import io.taclog.validate.Validator;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog validate}: proves the ledger against the raw files; exit 1 with a report otherwise. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Re-read the raw files and prove that every committed line is accounted exactly once.")
public final class ValidateCommand implements Callable<Integer> {

    @Mixin
    SourceOptions sources;

    @Option(names = "--format", defaultValue = "table", description = "table or json.")
    Format format;

    @Option(names = "--verbose", description = "List every file, not only the ones with problems.")
    boolean verbose;

    @Option(names = "--against-archive", paramLabel = "DIR", description = "Read each file the raw archive in DIR "
            + "holds (taclog archive-raw) from the archive instead of the original, which may be gone; the others "
            + "from their files.")
    java.nio.file.Path againstArchive;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TaclogConfig config = sources.load();
        PrintWriter out = spec.commandLine().getOut();
        ArchivedCopies rawArchive = null;
        if (againstArchive != null) {
            try {
                rawArchive = new ArchiveCopies(ArchiveIndex.load(againstArchive),
                        java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
            } catch (RawArchiveRefused e) {
                throw new CliException(Main.USAGE, e.getMessage());
            }
        }
        Validator.Report report;
        java.util.List<ArchiveViews.Attached> archives;
        try (Connection c = ReadOnlyDb.open(config, false)) {
            // the ledger counts every line ever read, also those whose rows now live in archive files: the rows of
            // archived months are checked where they are
            archives = io.taclog.app.Databases.isPostgres(config) ? java.util.List.of() // no archives there yet
                    : ReadOnlyDb.includeArchives(c, config.get(ConfigKeys.DB));
            var formats = new io.taclog.app.Formats(config, java.time.Clock.systemUTC());
            BatchParser parser = new BatchParser(formats.parsers(), true);
            report = new Validator(parser, config.get(ConfigKeys.MAX_LINE_BYTES), formats.contentChecks(), rawArchive)
                    .validate(c, io.taclog.app.Databases.isPostgres(config)
                            ? io.taclog.app.Databases.postgres(config).hostId() : null);
        }
        if (format == Format.JSON) {
            Tabular.printJson(out, report);
        } else {
            Tabular t = new Tabular("file_id", "kind", "state", "verdict", "lines", "path", "problems");
            for (Validator.FileReport f : report.files()) {
                if (verbose || !"ok".equals(f.verdict()) && !"superseded".equals(f.verdict())) {
                    t.add(f.fileId(), f.kind(), f.state(), f.verdict(), f.linesRead(), f.path(),
                            String.join("; ", f.problems()));
                }
            }
            if (t.size() > 0) {
                t.print(out, Format.TABLE);
            }
            for (String p : report.contentProblems()) {
                out.println("content mismatch: " + p);
            }
            for (String n : report.notes()) {
                out.println("note: " + n);
            }
            if (!archives.isEmpty()) {
                out.println("note: " + archives.size() + " archived month(s) read from their archive files ("
                        + archives.stream().map(a -> a.month().toString()).sorted()
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
            }
            long mismatched = report.files().stream().filter(Validator.FileReport::failed).count();
            out.printf("%s: %d file generations, %d verified against the raw files%s, %d mismatched, %d content "
                            + "problems%n", report.ok() ? "OK" : "FAILED", report.files().size(),
                    report.verifiedFiles(), rawArchive == null ? ""
                            : " (" + report.verifiedFromArchive() + " of them from the raw archive)",
                    mismatched, report.contentProblems().size());
        }
        return report.ok() ? Main.OK : Main.FAILURE;
    }
}
