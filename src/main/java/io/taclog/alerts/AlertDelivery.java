package io.taclog.alerts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to the webhook and/or the command on one dedicated thread with a bounded queue, so neither the
 * ingest routes nor the rule check ever wait on the network: each channel gets {@code 1 + retries} attempts, each
 * bounded by the timeout, with exponential back-off between them. The outcome is handed to a {@link Outcomes}
 * listener (which records it through the writer, after the network is done with).
 */
public final class AlertDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);

    /** What became of a delivery. */
    public interface Outcomes {
        void delivered(Alert alert);

        /** Every attempt of a channel failed. */
        void failed(Alert alert, String channel, int attempts, String lastError);

        /** The queue was full: not delivered at all. */
        void dropped(Alert alert, long droppedTotal);
    }

    /** One way out for an alert: a webhook or a command. */
    interface Channel {
        String name();

        /** One attempt; throws with the reason when it failed. */
        void send(String json, Alert alert) throws Exception;
    }

    private final List<Channel> channels = new ArrayList<>();
    private final int retries;
    private final Duration backoff;
    private final Outcomes outcomes;
    private final ThreadPoolExecutor executor;
    private final AtomicLong dropped = new AtomicLong();
    private volatile String host;

    public AlertDelivery(AlertSettings s, Outcomes outcomes) {
        this(channels(s), s.retries(), s.backoff(), s.queue(), outcomes);
    }

    AlertDelivery(List<Channel> channels, int retries, Duration backoff, int queue, Outcomes outcomes) {
        this.channels.addAll(channels);
        this.retries = retries;
        this.backoff = backoff;
        this.outcomes = outcomes;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "taclog-alerts");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    static List<Channel> channels(AlertSettings s) {
        List<Channel> out = new ArrayList<>();
        s.webhook().ifPresent(u -> out.add(new Webhook(u, s.timeout())));
        if (!s.command().isEmpty()) {
            out.add(new Command(s.command(), s.timeout()));
        }
        return out;
    }

    public boolean hasChannels() {
        return !channels.isEmpty();
    }

    /** Queues an alert; returns at once. A full queue drops it (reported to {@link Outcomes#dropped}). */
    public void submit(Alert alert) {
        try {
            executor.execute(() -> deliver(alert));
        } catch (RejectedExecutionException e) {
            long n = dropped.incrementAndGet();
            if (!executor.isShutdown()) {
                LOG.warn("alert queue full: {} not delivered ({} dropped so far)", alert.sourceKey(), n);
                outcomes.dropped(alert, n);
            }
        }
    }

    /** Alerts dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void deliver(Alert alert) {
        String json = alert.json(host());
        boolean ok = true;
        for (Channel c : channels) {
            String error = null;
            int attempt = 0;
            while (attempt <= retries) {
                if (attempt > 0 && !pause(Backoff.before(attempt, backoff))) {
                    return; // shutting down: the alert stays pending and is delivered at the next start
                }
                attempt++;
                try {
                    c.send(json, alert);
                    error = null;
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    LOG.debug("alert {} via {}: attempt {} failed: {}", alert.sourceKey(), c.name(), attempt, error);
                }
            }
            if (error != null) {
                ok = false;
                LOG.warn("alert {} could not be delivered via {} after {} attempts: {}", alert.sourceKey(), c.name(),
                        attempt, error);
                outcomes.failed(alert, c.name(), attempt, error);
            }
        }
        if (ok) {
            outcomes.delivered(alert);
        }
    }

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String host() {
        String h = host;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
            }
            host = h;
        }
        return h;
    }

    /** Stops delivering: an alert still queued or in flight stays pending in the database. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** HTTP POST of the JSON; any 2xx answer is a delivery. */
    static final class Webhook implements Channel {
        private final URI uri;
        private final Duration timeout;
        private final HttpClient client;

        Webhook(URI uri, Duration timeout) {
            this.uri = uri;
            this.timeout = timeout;
            this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }

        @Override
        public String name() {
            return "webhook";
        }

        @Override
        public void send(String json, Alert alert) throws Exception {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "taclog-alerts")
                    .header("Idempotency-Key", alert.sourceKey())
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            HttpResponse<Void> res = client.send(req, HttpResponse.BodyHandlers.discarding());
            if (res.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + res.statusCode() + " from " + uri);
            }
        }
    }

    /** The program with the JSON on its standard input; exit status 0 is a delivery. No shell is involved. */
    static final class Command implements Channel {
        private final List<String> argv;
        private final Duration timeout;

        Command(List<String> argv, Duration timeout) {
            this.argv = List.copyOf(argv);
            this.timeout = timeout;
        }

        @Override
        public String name() {
            return "command";
        }

        @Override
        public void send(String json, Alert alert) throws Exception {
            Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(json.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the program closed its input without reading it all: its exit status decides
                }
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException(argv.get(0) + " did not exit within " + timeout.toMillis() + " ms");
                }
                if (p.exitValue() != 0) {
                    throw new IOException(argv.get(0) + " exited with status " + p.exitValue());
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
