package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Format;
import io.taclog.cli.Main;
import io.taclog.cli.Tabular;
import io.taclog.query.SearchQuery;
import io.taclog.search.BadSearchException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taclog query search "TEXT"}: full-text search over every conversation (docs/search.md). */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Full-text search over every conversation (text, thinking, tool inputs and outputs): the "
                + "blocks holding all the words, best match first, with the words marked «like this».")
public final class SearchCommand implements Callable<Integer> {

    /** Longest snippet in the table (JSON and CSV keep it whole). */
    private static final int TABLE_SNIPPET_CHARS = 160;

    @Mixin
    QueryOptions options;

    @Parameters(index = "0", paramLabel = "TEXT",
            description = "Words to find (all of them, any order); \"a phrase\" in quotes; word* for a prefix.")
    String text;

    @Option(names = "--task", paramLabel = "ID", description = "Only the conversations of this task's workers.")
    String task;

    @Option(names = "--worker", paramLabel = "ID", description = "Only this worker's conversation.")
    String worker;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Hits to show, 1 to " + SearchQuery.MAX_LIMIT + " (default: 20).")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Hits to skip (paging).")
    int offset;

    @Option(names = "--order", paramLabel = "ORDER", defaultValue = "rank",
            description = "rank (best match first, default) or newest.")
    SearchQuery.Order order;

    @Option(names = "--raw", description = "TEXT is an FTS5 query: AND, OR, NOT, NEAR(...), \"phrases\", prefix*, "
            + "columns tool: and body:.")
    boolean raw;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SearchQuery.Result result;
        try {
            SearchQuery.Request request = SearchQuery.Request.of(text).withRaw(raw).withTask(task).withWorker(worker)
                    .withOrder(order).withPage(limit, offset);
            try (Connection c = options.open(spec.commandLine().getErr())) {
                result = options.timed(spec.commandLine().getErr(), () -> new SearchQuery(c).run(request));
            }
        } catch (BadSearchException e) {
            throw new CliException(Main.USAGE, e.getMessage());
        }
        noteUnindexed(spec.commandLine().getErr(), result);
        print(spec.commandLine().getOut(), options.format(), result);
        return Main.OK;
    }

    /** On stderr: rows the index does not hold yet, and whether all of them were searched. */
    private static void noteUnindexed(PrintWriter err, SearchQuery.Result r) {
        if (r.unindexedRows() == 0) {
            return;
        }
        String rows = String.format(Locale.ROOT, "%,d conversation rows are not in the search index yet",
                r.unindexedRows());
        if (r.unsearchedRows() == 0) {
            err.println("note: " + rows + "; they were searched directly, the answer is complete");
        } else {
            err.printf(Locale.ROOT, "note: %s; the newest %,d were searched directly, %,d were NOT searched: run "
                    + "`taclog search-index` (or keep `taclog run` going) to index them%n", rows,
                    r.unindexedRows() - r.unsearchedRows(), r.unsearchedRows());
        }
    }

    private void print(PrintWriter out, Format format, SearchQuery.Result r) {
        if (format == Format.JSON) {
            Tabular.printJson(out, r);
            return;
        }
        if (r.hits().isEmpty() && format == Format.TABLE) {
            out.println("No matches.");
            return;
        }
        if (format == Format.CSV) { // every field of a hit, as JSON has them
            Tabular t = new Tabular("conversation_id", "worker_id", "task_id", "message_index", "timestamp", "role",
                    "content_type", "tool_name", "snippet", "rank", "indexed");
            for (SearchQuery.Hit h : r.hits()) {
                t.add(h.conversationId(), h.workerId(), h.taskId(), h.messageIndex(), h.timestamp(), h.role(),
                        h.contentType(), h.toolName(), h.snippet(), h.rank(), h.indexed());
            }
            t.print(out, format);
            return;
        }
        // the table is in rank order already: the bm25 figure itself says little to a reader
        Tabular t = new Tabular("timestamp", "worker_id", "task_id", "message", "type", "tool", "snippet");
        for (SearchQuery.Hit h : r.hits()) {
            t.add(h.timestamp(), h.workerId(), h.taskId(), h.messageIndex(), h.role() + "/" + h.contentType(),
                    h.toolName(), oneLine(h.snippet()));
        }
        t.print(out, format);
        if (r.hasMore()) {
            out.printf("(more hits: --offset %d)%n", offset + r.hits().size());
        }
    }

    /** A snippet on one table line: line breaks and tabs as spaces, cut to a readable length. */
    static String oneLine(String s) {
        if (s == null) {
            return null;
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > TABLE_SNIPPET_CHARS ? one.substring(0, TABLE_SNIPPET_CHARS - 1) + "…" : one;
    }
}
