package io.taclog.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The coordinator's paths as the sidecar sees them: the longest prefix, whole path components only. */
class PathMapTest {

    private final PathMap map = new PathMap(Map.of("/logs", "/mnt/agents/logs", "/logs/archive", "/cold/archive",
            "/home/ci/repo", "/srv/repo"));

    @Test
    void translatesByTheLongestMatchingPrefix() {
        assertEquals("/mnt/agents/logs/w-901a.jsonl", map.apply("/logs/w-901a.jsonl"));
        assertEquals("/cold/archive/w-1.jsonl", map.apply("/logs/archive/w-1.jsonl"));
        assertEquals("/srv/repo/trees/gh-1/log.jsonl", map.apply("/home/ci/repo/trees/gh-1/log.jsonl"));
        assertEquals("/mnt/agents/logs", map.apply("/logs"));
    }

    @Test
    void leavesOtherPathsAlone() {
        assertEquals("/logs2/w.jsonl", map.apply("/logs2/w.jsonl"), "a prefix matches whole components");
        assertEquals("relative/w.jsonl", map.apply("relative/w.jsonl"));
        assertNull(map.apply(null));
        assertEquals("/logs/w.jsonl", PathMap.NONE.apply("/logs/w.jsonl"));
    }
}
