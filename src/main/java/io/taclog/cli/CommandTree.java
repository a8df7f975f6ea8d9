package io.taclog.cli;

import io.taclog.cli.query.CostCommand;
import io.taclog.cli.query.DecisionsCommand;
import io.taclog.cli.query.ErrorsCommand;
import io.taclog.cli.query.QueryCommand;
import io.taclog.cli.query.SearchCommand;
import io.taclog.cli.query.SessionsCommand;
import io.taclog.cli.query.TaskCommand;
import io.taclog.cli.query.ToolsCommand;
import io.taclog.cli.query.WorkersCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The command tree. Picocli reads every command class it is given by reflection, and in a JVM that has just
 * started that is slow: the whole tree cost a one-line query about 0.1 s. So a command line names its command
 * and only that branch is built; help, completion and a mistyped command get the whole tree.
 */
public final class CommandTree {

    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, Supplier<Object>> QUERIES = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("backfill", BackfillCommand::new);
        COMMANDS.put("validate", ValidateCommand::new);
        COMMANDS.put("files", FilesCommand::new);
        COMMANDS.put("migrate", MigrateCommand::new);
        COMMANDS.put("backup", BackupCommand::new);
        COMMANDS.put("doctor", DoctorCommand::new);
        COMMANDS.put("search-index", SearchIndexCommand::new);
        COMMANDS.put("archive", ArchiveCommand::new);
        COMMANDS.put("archive-raw", ArchiveRawCommand::new);
        COMMANDS.put("query", QueryCommand::new);
        COMMANDS.put("export", ExportCommand::new);
        COMMANDS.put("prices", PricesCommand::new);
        COMMANDS.put("dashboard", DashboardCommand::new);
        COMMANDS.put("completion", CompletionCommand::new);
        QUERIES.put("cost", CostCommand::new);
        QUERIES.put("task", TaskCommand::new);
        QUERIES.put("sessions", SessionsCommand::new);
        QUERIES.put("workers", WorkersCommand::new);
        QUERIES.put("decisions", DecisionsCommand::new);
        QUERIES.put("errors", ErrorsCommand::new);
        QUERIES.put("tools", ToolsCommand::new);
        QUERIES.put("search", SearchCommand::new);
    }

    private CommandTree() {
    }

    /** The tree with every command (help output, shell completion). */
    public static CommandLine full() {
        return forArgs(new String[0]);
    }

    /** The tree for these arguments: the branch they name, or everything when they name none. */
    static CommandLine forArgs(String[] args) {
        CommandLine root = new CommandLine(new TaclogCommand());
        String command = args.length > 0 ? args[0] : null;
        for (var e : COMMANDS.entrySet()) {
            if (COMMANDS.containsKey(command) && !e.getKey().equals(command)) {
                continue;
            }
            CommandLine sub = new CommandLine(e.getValue().get());
            if (e.getKey().equals("query")) {
                String query = args.length > 1 && "query".equals(command) ? args[1] : null;
                for (var q : QUERIES.entrySet()) {
                    if (!QUERIES.containsKey(query) || q.getKey().equals(query)) {
                        sub.addSubcommand(q.getKey(), new CommandLine(q.getValue().get()));
                    }
                }
            }
            root.addSubcommand(e.getKey(), sub);
        }
        return root;
    }
}
