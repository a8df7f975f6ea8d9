package io.taclog.sink.transcript;

import io.taclog.model.ApiCallObserved;
import io.taclog.model.Fact;
import io.taclog.sink.BatchPlanner;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the sightings of one API response within a batch as one upsert instead of one each.
 *
 * <p>Claude writes a response as one line per content block, each repeating the usage, so a batch holds
 * about two sightings per call. Upserted one by one, they leave the row of the first sighting (its time,
 * line and worker) carrying the usage of the first sighting with the largest total. The same row comes
 * from one upsert of the first sighting with that usage: the upsert keeps a stored row's usage when it is
 * not smaller, exactly as the sequence would. Only sightings that agree on everything the upsert treats
 * differently are merged: the same stream, key, request id, time source and model, and no error text.
 */
final class ApiCallSightings implements BatchPlanner {

    @Override
    public Map<Fact, Fact> plan(List<Fact> facts) {
        Map<Fact, Fact> out = new IdentityHashMap<>();
        Map<GroupKey, ApiCallObserved[]> groups = new HashMap<>(); // [first, best]
        for (Fact f : facts) {
            if (!(f instanceof ApiCallObserved c) || c.errorMessage() != null) {
                continue;
            }
            GroupKey k = new GroupKey(c.stream(), c.dedupKey(), c.requestId(), c.timeSource(), c.model());
            ApiCallObserved[] g = groups.get(k);
            if (g == null) {
                groups.put(k, new ApiCallObserved[] {c, c});
                continue;
            }
            out.put(c, ABSORBED);
            if (c.usage().total() > g[1].usage().total()) {
                g[1] = c;
            }
        }
        for (ApiCallObserved[] g : groups.values()) {
            ApiCallObserved first = g[0];
            ApiCallObserved best = g[1];
            if (best != first) {
                out.put(first, new ApiCallObserved(first.stream(), first.dedupKey(), first.messageId(),
                        first.requestId(), first.at(), first.timeSource(), best.model(), first.provider(), best.usage(),
                        best.success(), null, first.errorCode(), first.sidechain(), first.source()));
            }
        }
        return out;
    }

    /** What sightings must share to be merged. */
    private record GroupKey(Object stream, String key, String requestId, String timeSource, String model) {
        GroupKey {
            Objects.requireNonNull(key);
        }
    }
}
