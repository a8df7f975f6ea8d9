package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Main;
import io.taclog.query.SearchQuery;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taclog query search TEXT}: full-text search over every conversation (the dashboard's search page). */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Full-text search over all conversations: messages, tool inputs and tool outputs, newest first.")
public final class SearchCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Parameters(index = "0", paramLabel = "TEXT", description = "Words to find, as one phrase (case and accents "
            + "ignored, punctuation between words ignored).")
    String text;

    @Option(names = "--task", paramLabel = "ID", description = "Only in this task's workers.")
    String task;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "Most hits to list (default 50).")
    int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Hits to skip (paging).")
    int offset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            throw new CliException(Main.USAGE, "nothing to search for");
        }
        if (limit < 1 || limit > 10_000 || offset < 0) {
            throw new CliException(Main.USAGE, "--limit must be 1..10000 and --offset not negative");
        }
        List<Map<String, Object>> rows;
        try (Connection c = options.open()) {
            SearchQuery.Page page = options.timed(spec.commandLine().getErr(),
                    () -> new SearchQuery(c).run(text, task, limit, offset));
            rows = SearchQuery.rows(page.hits());
            if (!page.indexed()) {
                throw new CliException(Main.FAILURE, "the search index is off (taclog.search.index = false); turn it "
                        + "on and start `taclog run` or `taclog backfill` once to rebuild it");
            }
            if (page.more() && options.format() == io.taclog.cli.Format.TABLE) {
                spec.commandLine().getErr().println("(more hits follow: --offset " + (offset + limit) + ")");
            }
        }
        MapRows.print(spec.commandLine().getOut(), options.format(), rows, List.of("conversation_id", "worker_id",
                "task_id", "message_index", "timestamp", "role", "content_type", "tool_name", "snippet"), "No hits.");
        return Main.OK;
    }
}
