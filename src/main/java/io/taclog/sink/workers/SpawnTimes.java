package io.taclog.sink.workers;

import io.taclog.model.TimeSource;
import java.time.Duration;

/** Whether a stream's first activity and a worker's spawn can be matched by time, and with what slack. */
final class SpawnTimes {

    /** Slack between the coordinator's and the transcript's clocks. */
    static final Duration TOLERANCE = Duration.ofSeconds(5);

    private SpawnTimes() {
    }

    /** Two times of one source, or two of which neither is the time taclog read the line, can be ordered. */
    static boolean comparable(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return a.equals(b) || !TimeSource.OBSERVED.equals(a) && !TimeSource.OBSERVED.equals(b);
    }
}
