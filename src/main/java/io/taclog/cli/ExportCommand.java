package io.taclog.cli;

import io.taclog.cli.query.WindowOptions;
import io.taclog.query.BulkExport;
import io.taclog.query.EvidenceBundle;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code taclog export --task ID --format json|md}: one evidence bundle for a PR; {@code taclog export
 * --since DATE --format jsonl|csv [--what calls]}: bulk rows.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a task's evidence bundle (json, md) or rows in bulk (jsonl, csv).")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    io.taclog.cli.DbOption db;

    @Mixin
    WindowOptions window;

    @Option(names = "--task", paramLabel = "ID", description = "Task to bundle.")
    String task;

    @Option(names = "--format", required = true, description = "json or md (with --task); jsonl or csv (bulk).")
    String format;

    @Option(names = "--what", defaultValue = "calls", description = "Bulk: calls, conversations, events, workers, "
            + "tasks, decisions, triggers, worktree, sessions (default calls).")
    BulkExport.What what;

    @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of dates (default: this machine's).")
    String tz;

    @Option(names = "--include-archives", description = "Also read the months moved to archive files by "
            + "`taclog archive`.")
    boolean includeArchives;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        java.time.ZoneId zone = tz == null ? java.time.ZoneId.systemDefault() : java.time.ZoneId.of(tz);
        try (Connection c = db.openReadOnly(includeArchives)) {
            if (task != null) {
                if (!format.equals("json") && !format.equals("md")) {
                    throw new CliException(Main.USAGE, "--task exports as json or md, not " + format);
                }
                io.taclog.cli.query.TaskAccess.require(c, task);
                Map<String, Object> bundle = new EvidenceBundle(c).build(task, Instant.now());
                if (format.equals("json")) {
                    Tabular.printJson(out, bundle);
                } else {
                    new MarkdownBundle(out).write(bundle);
                }
                return Main.OK;
            }
            if (!format.equals("jsonl") && !format.equals("csv")) {
                throw new CliException(Main.USAGE, "bulk export is jsonl or csv, not " + format + " (or pass --task)");
            }
            bulk(c, out, zone);
        }
        out.flush();
        return Main.OK;
    }

    private void bulk(Connection c, PrintWriter out, java.time.ZoneId zone) throws Exception {
        List<String> header = new ArrayList<>();
        new BulkExport(c).stream(what, window.window(zone, Instant.now()), row -> {
            if (format.equals("jsonl")) {
                out.println(JsonOut.compact(row));
            } else {
                if (header.isEmpty()) {
                    header.addAll(row.keySet());
                    out.println(String.join(",", header.stream().map(Csv::field).toList()));
                }
                out.println(String.join(",", row.values().stream()
                        .map(v -> Csv.field(v == null ? "" : String.valueOf(v))).toList()));
            }
        });
    }
}
