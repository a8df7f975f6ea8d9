package io.taclog.model;

import java.time.Instant;

/**
 * A worker created a pull request: the output of {@code gh pr create} in its transcript. Derived
 * evidence that the worker's task completed (the coordinator never logs completions).
 *
 * @param evidence the tool call that printed it (tool_use id) and a short excerpt
 */
public record PullRequestObserved(StreamRef stream, Instant at, String timeSource, int prNumber, String prUrl,
                                  String evidence) implements Fact {
}
