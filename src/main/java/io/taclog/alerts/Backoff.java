package io.taclog.alerts;

import java.time.Duration;

/** Exponential back-off between delivery attempts: {@code first}, then doubled, capped at ten minutes. */
public final class Backoff {

    static final Duration CAP = Duration.ofMinutes(10);

    private Backoff() {
    }

    /** The wait before retry {@code retry} (1 = the first retry). */
    public static Duration before(int retry, Duration first) {
        if (retry < 1) {
            return Duration.ZERO;
        }
        long millis = first.toMillis();
        for (int i = 1; i < retry && millis < CAP.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, CAP.toMillis()));
    }
}
