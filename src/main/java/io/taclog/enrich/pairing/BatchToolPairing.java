package io.taclog.enrich.pairing;

import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.ToolLatency;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Route step {@code pairToolCalls}: a tool result whose call is in the same batch, in the same stream, gets the
 * call's tool name and the latency between them, on the source's thread. Most pairs are found here (a call and
 * its result are usually lines apart); a result whose call came in an earlier batch, or from another file of
 * the same worker, is paired by the writer, which knows the stored rows. Pairs never cross streams: a resumed or
 * forked session copies its parent's tool-call ids.
 */
public final class BatchToolPairing {

    /** What a result takes from its call. */
    public record Pair(String toolName, Double latencyMs) {
    }

    private record Key(StreamRef stream, String toolUseId) {
    }

    /** The pairs among {@code facts} (in batch order), keyed by the very result block object. */
    public Map<Fact, Pair> pair(Iterable<Fact> facts) {
        Map<Key, ConversationBlock> calls = new HashMap<>();
        Map<Fact, Pair> out = new IdentityHashMap<>();
        for (Fact f : facts) {
            if (!(f instanceof ConversationBlock b) || b.toolUseId() == null) {
                continue;
            }
            Key key = new Key(b.stream(), b.toolUseId());
            if ("tool_use".equals(b.contentType())) {
                calls.putIfAbsent(key, b); // the first copy is the one stored
            } else if ("tool_result".equals(b.contentType())) {
                ConversationBlock call = calls.get(key);
                if (call != null) {
                    // the call's time as the writer stores it (milliseconds), as when it pairs with a stored call
                    Instant callAt = call.at() == null ? null : call.at().truncatedTo(ChronoUnit.MILLIS);
                    out.put(b, new Pair(call.toolName(),
                            ToolLatency.millis(callAt, call.timeSource(), b.at(), b.timeSource())));
                }
            }
        }
        return out;
    }
}
