package io.taclog.parse.codex;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.model.TokenUsage;
import io.taclog.parse.Json;

/**
 * OpenAI usage as Codex writes it: cached tokens are a subset of input tokens and reasoning tokens a
 * subset of output tokens. Converted to taclog's disjoint form (cached tokens become cache reads).
 */
final class CodexUsage {

    private CodexUsage() {
    }

    static TokenUsage of(JsonNode u) {
        if (u == null || !u.isObject()) {
            return TokenUsage.ZERO;
        }
        long input = Json.number(u, "input_tokens");
        long cached = Math.min(Json.number(u, "cached_input_tokens"), input);
        return new TokenUsage(input - cached, Json.number(u, "output_tokens"), cached, 0, 0);
    }

    /** Back to Codex's form for stored state: [input incl. cached, cached, output]. */
    static long[] raw(TokenUsage t) {
        return new long[] {t.input() + t.cacheRead(), t.cacheRead(), t.output()};
    }

    static TokenUsage fromRaw(JsonNode arr) {
        long input = arr.path(0).asLong();
        long cached = arr.path(1).asLong();
        return new TokenUsage(input - cached, arr.path(2).asLong(), cached, 0, 0);
    }
}
