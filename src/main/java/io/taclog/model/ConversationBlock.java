package io.taclog.model;

import java.time.Instant;

/**
 * One block of a conversation: text, thinking, a tool call or a tool result.
 *
 * @param dedupKey natural key within the worker, equal for the same block seen in two files (the
 *     stream-json and the session file of one run)
 * @param content full text; for tool calls and results a preview (the full value is in toolInput /
 *     toolOutput)
 */
public record ConversationBlock(StreamRef stream, String dedupKey, Instant at, String timeSource, String role,
                                String contentType, String content, String toolName, String toolInput,
                                String toolOutput, Boolean toolSuccess, String toolUseId, boolean sidechain,
                                String parentToolUseId, String messageId, String model) implements Fact {
}
