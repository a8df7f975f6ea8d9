package io.taclog.parse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.model.ModelUsage;
import io.taclog.model.TokenUsage;
import io.taclog.parse.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads Anthropic usage objects, splitting cache writes into their 5-minute and 1-hour tiers. */
final class ClaudeUsage {

    private ClaudeUsage() {
    }

    static TokenUsage of(JsonNode u) {
        if (u == null || !u.isObject()) {
            return TokenUsage.ZERO;
        }
        long write = Json.number(u, "cache_creation_input_tokens");
        JsonNode split = u.get("cache_creation");
        long oneHour = 0;
        if (split != null && split.isObject()) {
            oneHour = Json.number(split, "ephemeral_1h_input_tokens");
            long fiveMin = Json.number(split, "ephemeral_5m_input_tokens");
            if (write == 0) {
                write = fiveMin + oneHour; // only the split was written
            }
        }
        oneHour = Math.min(oneHour, write);
        // without a split every write is a 5-minute write: that is the API's default cache lifetime
        return new TokenUsage(Json.number(u, "input_tokens"), Json.number(u, "output_tokens"),
                Json.number(u, "cache_read_input_tokens"), write - oneHour, oneHour);
    }

    /** The result line's {@code modelUsage} map. */
    static List<ModelUsage> modelUsage(JsonNode mu) {
        List<ModelUsage> out = new ArrayList<>();
        if (mu == null || !mu.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = mu.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            out.add(new ModelUsage(e.getKey(), Json.number(v, "inputTokens"), Json.number(v, "outputTokens"),
                    Json.number(v, "cacheReadInputTokens"), Json.number(v, "cacheCreationInputTokens"),
                    Json.number(v, "webSearchRequests"), Json.optionalDouble(v, "costUSD"),
                    Json.optionalLong(v, "contextWindow")));
        }
        return out;
    }
}
