package io.taclog.sink.coordinator;

import java.time.Duration;

/**
 * Thresholds of the facts taclog derives (from the taclog.derive.* keys).
 *
 * @param spawnLoopCount spawns of one task within {@code spawnLoopWindow} that make a spawn loop
 * @param stallAfter silence of a running worker's transcript that makes it stalled
 */
public record DerivedRules(int spawnLoopCount, Duration spawnLoopWindow, Duration stallAfter) {

    public static DerivedRules defaults() {
        return new DerivedRules(3, Duration.ofMinutes(10), Duration.ofMinutes(15));
    }
}
