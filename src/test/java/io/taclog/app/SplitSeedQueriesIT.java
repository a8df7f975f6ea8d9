package io.taclog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.coordinator.DemoDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's queries of {@link SeedQueriesIT}, every one of them, on the demo built in the split layout (the
 * conversations in a second file, attached as {@code conversations}), with the same answers; and the seed's
 * cross-database queries of its section 4.1, verbatim.
 */
class SplitSeedQueriesIT extends SeedQueriesIT {

    @BeforeAll
    static void demo() throws Exception {
        DemoDatabase.Built b = DemoDatabase.tac8Split();
        assertEquals(Main.OK, b.code(), b.err());
        db = b.db();
        doc = Files.readString(Path.of("docs/queries.md"), StandardCharsets.UTF_8);
        assertEquals(0, db.count("SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'conversations'"),
                "the main file holds no conversations");
        assertTrue(db.count("SELECT COUNT(*) FROM conversations.conversations") > 0);
    }

    @Test
    void crossDatabaseQueriesOfSection4() {
        long tasks = db.count("SELECT COUNT(*) FROM main.tasks");
        long rows = db.count("SELECT COUNT(*) FROM conversations.conversations");
        assertEquals(tasks * rows, q("SELECT * FROM main.tasks JOIN conversations.conversations").size(),
                "the seed's example is a cross join");
        List<Map<String, Object>> perTask = q("SELECT t.task_id, COUNT(*) FROM main.tasks t JOIN main.worker_sessions "
                + "ws ON ws.task_id = t.task_id JOIN conversations.conversations c ON c.worker_id = ws.worker_id "
                + "GROUP BY t.task_id ORDER BY t.task_id");
        assertEquals(List.of("gh-601", "gh-602", "gh-603"), perTask.stream().map(r -> r.get("task_id")).toList());
        assertEquals(rows, perTask.stream().mapToLong(r -> ((Number) r.get("COUNT(*)")).longValue()).sum(),
                "every conversation row belongs to a worker of a task in the demo");
    }
}
