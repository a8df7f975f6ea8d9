package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The completion script covers the whole command tree, although the command itself builds only its branch. */
class CompletionCommandTest {

    @Test
    void theScriptCompletesEveryCommandAndTheOptionsOfQueries() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"completion"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String script = out.toString(StandardCharsets.UTF_8);
        assertEquals(Main.OK, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(script.contains("complete -F _complete_taclog"), "a bash completion function is registered");
        for (String command : new String[] {"run", "backfill", "validate", "query", "export", "prices", "migrate",
            "search-index"}) {
            assertTrue(script.contains(command), command);
        }
        for (String query : new String[] {"cost", "task", "workers", "decisions", "errors", "tools", "sessions",
            "search"}) {
            assertTrue(script.contains("_picocli_taclog_query_" + query), "query " + query);
        }
        assertTrue(script.contains("--by"), "options of query cost");
    }
}
