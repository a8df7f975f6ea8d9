package io.taclog.dashboard;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code perMinute} requests a minute on average, bursts up to the same number.
 * Buckets of addresses quiet for ten minutes are dropped, so the map cannot grow without bound.
 */
final class RateLimiter {

    private static final long FORGET_NANOS = 600_000_000_000L;
    private static final int MAX_CLIENTS = 10_000;

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }

    private final double capacity;
    private final double perNano;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perMinute) {
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
    }

    /** Whether the client may make one more request now. */
    boolean allow(String client, long nowNanos) {
        if (buckets.size() > MAX_CLIENTS) {
            forgetQuiet(nowNanos);
        }
        Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(capacity, nowNanos));
        synchronized (b) {
            b.tokens = Math.min(capacity, b.tokens + (nowNanos - b.last) * perNano);
            b.last = nowNanos;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    private void forgetQuiet(long nowNanos) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().last > FORGET_NANOS) {
                it.remove();
            }
        }
    }
}
