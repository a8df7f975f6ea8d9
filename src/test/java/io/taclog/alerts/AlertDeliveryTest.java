package io.taclog.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.LineClassifier;
import io.taclog.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The delivery thread: a full queue drops an alert at once (never blocks the caller) and says so; a failing channel is
 * retried with back-off until it answers or its attempts are spent, and the outcome says which.
 */
class AlertDeliveryTest {

    /** What the delivery reported, in order. */
    private static final class Recorded implements AlertDelivery.Outcomes {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void delivered(Alert alert) {
            events.add("delivered " + alert.episodeKey());
        }

        @Override
        public void failed(Alert alert, String channel, int attempts, String lastError) {
            events.add("failed " + alert.episodeKey() + " via " + channel + " after " + attempts + ": " + lastError);
        }

        @Override
        public void dropped(Alert alert, long droppedTotal) {
            events.add("dropped " + alert.episodeKey() + " (" + droppedTotal + ")");
        }
    }

    private static Alert alert(String episode) {
        return new Alert(1, "alert:error_burst:" + episode, "error_burst", "warning", episode, "errors",
                LineClassifier.JSON.createObjectNode(), Instant.parse("2026-03-10T12:00:00Z"), null, null);
    }

    /** A channel that answers as told: fails its first {@code failures} attempts, can hold every attempt on a gate. */
    private static final class Scripted implements AlertDelivery.Channel {
        final AtomicInteger attempts = new AtomicInteger();
        final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);
        final int failures;

        Scripted(int failures, CountDownLatch gate) {
            this.failures = failures;
            this.gate = gate;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public void send(String json, Alert alert) throws Exception {
            attemptNanos.add(System.nanoTime());
            entered.countDown();
            if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            if (attempts.incrementAndGet() <= failures) {
                throw new java.io.IOException("HTTP 503 (attempt " + attempts.get() + ")");
            }
        }
    }

    @Test
    void aFullQueueDropsTheAlertAtOnceAndSaysSo() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Scripted slow = new Scripted(0, gate);
        Recorded out = new Recorded();
        try (AlertDelivery d = new AlertDelivery(List.of(slow), 0, Duration.ofMillis(1), 1, out)) {
            d.submit(alert("a")); // in flight, held by the gate
            assertTrue(slow.entered.await(10, TimeUnit.SECONDS), "the first alert reached the channel");
            d.submit(alert("b")); // waits in the queue of one
            d.submit(alert("c")); // nowhere to go: dropped, and submit has returned while the channel hangs
            assertEquals(1, d.dropped());
            assertEquals(List.of("dropped c (1)"), out.events);
            gate.countDown();
            Await.until(Duration.ofSeconds(10), () -> out.events.size() == 3, () -> "outcomes: " + out.events);
            assertEquals(List.of("dropped c (1)", "delivered a", "delivered b"), out.events);
        }
    }

    @Test
    void aFailingChannelIsRetriedWithGrowingPausesUntilItAnswers() throws Exception {
        Scripted flaky = new Scripted(2, null);
        Recorded out = new Recorded();
        Duration first = Duration.ofMillis(50);
        try (AlertDelivery d = new AlertDelivery(List.of(flaky), 3, first, 4, out)) {
            d.submit(alert("a"));
            Await.until(Duration.ofSeconds(10), () -> !out.events.isEmpty(), () -> "no outcome");
        }
        assertEquals(List.of("delivered a"), out.events, "delivered at the third attempt");
        assertEquals(3, flaky.attempts.get());
        List<Long> t = flaky.attemptNanos;
        assertTrue(t.get(1) - t.get(0) >= first.toNanos(), "a pause of at least the first back-off before retry 1");
        assertTrue(t.get(2) - t.get(1) >= 2 * first.toNanos(), "a doubled pause before retry 2");
    }

    @Test
    void aChannelThatNeverAnswersFailsAfterItsAttemptsWithTheLastReason() throws Exception {
        Scripted broken = new Scripted(Integer.MAX_VALUE, null);
        Recorded out = new Recorded();
        try (AlertDelivery d = new AlertDelivery(List.of(broken), 2, Duration.ofMillis(1), 4, out)) {
            d.submit(alert("a"));
            d.submit(alert("b"));
            Await.until(Duration.ofSeconds(10), () -> out.events.size() == 2, () -> "outcomes: " + out.events);
        }
        assertEquals(List.of("failed a via scripted after 3: HTTP 503 (attempt 3)",
                "failed b via scripted after 3: HTTP 503 (attempt 6)"), out.events);
    }
}
