package io.taclog.parse.tac8.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueSnapshotTest {

    /**
     * An entry's {@code - Key: value} lines keep the file's order: the stored body of a work-queue version is its JSON,
     * and two ingests of one file must store the same text (an order that changes from one JVM to the next did not).
     */
    @Test
    void anEntrysDetailsKeepTheOrderOfTheFile() {
        Map<String, String> details = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (String k : List.of("Worker", "Started", "PID", "Worktree", "Branch", "Attempt", "Health", "PR", "Log",
                "Model", "Cost", "Updated")) {
            details.put(k, "value of " + k);
            keys.add(k);
        }
        QueueSnapshot.Entry e = new QueueSnapshot.Entry("Active", "*", "gh-1", "w-1a2b3c", "gh-1", "title", 1, null,
                details, List.of(), 7);
        assertEquals(keys, List.copyOf(e.details().keySet()));
    }
}
