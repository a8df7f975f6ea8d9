package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Placing a line in time by its byte offset between anchors, and beyond them at a rate. */
class TimeEstimatorTest {

    private static final Instant T0 = Instant.parse("2025-11-05T17:00:00Z");

    private static TreeMap<Long, Instant> anchors(Object... offsetSeconds) {
        TreeMap<Long, Instant> m = new TreeMap<>();
        for (int i = 0; i < offsetSeconds.length; i += 2) {
            m.put(((Number) offsetSeconds[i]).longValue(), T0.plusSeconds(((Number) offsetSeconds[i + 1]).longValue()));
        }
        return m;
    }

    @Test
    void interpolatesBetweenAnchorsByOffset() {
        TreeMap<Long, Instant> a = anchors(1000, 0, 3000, 100);
        assertEquals(T0, TimeEstimator.at(a, 1000, 1));
        assertEquals(T0.plusSeconds(50), TimeEstimator.at(a, 2000, 1));
        assertEquals(T0.plusSeconds(100), TimeEstimator.at(a, 3000, 1));
    }

    @Test
    void extrapolatesOutsideAtTheGivenRate() {
        TreeMap<Long, Instant> a = anchors(1000, 0);
        assertEquals(T0.minusSeconds(30), TimeEstimator.at(a, 500, 0.06));
        assertEquals(T0.plusSeconds(60), TimeEstimator.at(a, 2000, 0.06));
    }

    @Test
    void anchorsThatGoBackInTimeAreDropped() {
        TreeMap<Long, Instant> m = TimeEstimator.monotone(anchors(100, 10, 200, 5, 300, 20, 400, 20));
        assertEquals(List.of(100L, 300L, 400L), List.copyOf(m.keySet()));
    }
}
