package io.taclog.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a transcript's path says about its worker and task, with the default and configured patterns. */
class TranscriptPathsTest {

    private static final String SID = "8e9b5cd6-a73a-4bc2-9594-6515ee2b28d3";
    private final TranscriptPaths defaults = new TranscriptPaths(
            TaclogConfig.defaults().get(ConfigKeys.WORKER_ID_PATTERN),
            TaclogConfig.defaults().get(ConfigKeys.TASK_PATTERN));

    @Test
    void theDefaultWorkerIdIsTheFileStem() {
        assertEquals("gh-450", defaults.workerHint("/home/shane/Desktop/circuit-synth/logs/gh-450.jsonl", SID));
        assertEquals("cc_raw_output", defaults.workerHint("/repo/agents/0422addd/builder/cc_raw_output.jsonl", SID));
        assertEquals("gh-450.w-0afb14", defaults.workerHint("/logs/gh-450.w-0afb14.jsonl", SID), "only the last "
                + "extension goes");
    }

    @Test
    void pathsThatOnlyRepeatTheSessionIdSuggestNoWorker() {
        assertNull(defaults.workerHint("/home/u/.claude/projects/-home-u-trees-gh-451/" + SID + ".jsonl", SID),
                "a Claude session file is named by its session id");
        assertNull(defaults.workerHint("/home/u/.claude/projects/-p/" + SID + "/subagents/agent-a1b2c3.jsonl", SID),
                "a subagent file belongs to its parent's worker");
        assertNull(defaults.workerHint("/home/u/.claude/projects/-p/agent-a1b2c3.jsonl", SID), "v2.0 subagent file");
        assertNull(defaults.workerHint("/home/u/.codex/sessions/2026/02/23/rollout-2026-02-23T12-40-23-019c8a4c-ed82-"
                + "79a1-aa28-7738fc5ab61a.jsonl", "019c8a4c-ed82-79a1-aa28-7738fc5ab61a"), "a Codex rollout");
        assertNull(defaults.workerHint(null, SID));
    }

    @Test
    void aConfiguredPatternNamesTheWorkerByItsNamedGroup() {
        TranscriptPaths p = new TranscriptPaths(Optional.of(Pattern.compile("agents/(?<worker>[0-9a-f]{8}/[a-z_]+)/")),
                Optional.empty());
        assertEquals("0422addd/builder", p.workerHint("/repo/agents/0422addd/builder/cc_raw_output.jsonl", SID));
        assertNull(p.workerHint("/repo/logs/gh-450.jsonl", SID), "no match, no hint: the session id names it");
    }

    @Test
    void theDefaultTaskPatternFindsTheTaskInTac8AndClaudePaths() {
        Map<String, String> cases = Map.of(
                "/home/shane/Desktop/circuit-synth/trees/gh-450/.tac/stages/plan.jsonl", "gh-450",
                "/home/shane/Desktop/circuit-synth/logs/gh-450.jsonl", "gh-450",
                "/home/shane/.claude/projects/-home-shane-Desktop-circuit-synth-trees-gh-450/" + SID + ".jsonl",
                "gh-450",
                "/home/shane/.claude/projects/-home-shane-Desktop-circuit-synth-trees-gh-450/" + SID
                        + "/subagents/agent-x.jsonl", "gh-450",
                "C:\\work\\trees\\gh-77\\out.jsonl", "gh-77");
        cases.forEach((path, task) -> assertEquals(task, defaults.taskHint(path), path));
        assertNull(defaults.taskHint("/repo/agents/0422addd/builder/cc_raw_output.jsonl"));
        assertNull(defaults.taskHint("/home/shane/logs/api/api-calls-2026-01-14.jsonl"), "not a task");
        assertNull(defaults.taskHint("/home/u/trees-of-life/gh-450.txt"), "trees must be a path part");
    }

    @Test
    void anEmptyTaskPatternFindsNoTask() {
        assertNull(new TranscriptPaths(Optional.empty(), Optional.empty()).taskHint("/logs/gh-450.jsonl"));
    }

    @Test
    void theStemDropsDirectoriesAndTheLastExtension() {
        assertEquals("gh-450", TranscriptPaths.stem("/a/b/gh-450.jsonl"));
        assertEquals("php-sdk-tool_use.wrapped", TranscriptPaths.stem("php-sdk-tool_use.wrapped.jsonl"));
        assertEquals(".hidden", TranscriptPaths.stem("/a/.hidden"));
    }
}
