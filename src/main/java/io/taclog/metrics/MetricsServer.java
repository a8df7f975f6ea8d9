package io.taclog.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taclog.app.IngestRuntime;
import io.taclog.config.ConfigException;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's HTTP endpoint: {@code /metrics} (Prometheus text format), {@code /health/live},
 * {@code /health/ready} and {@code /health} (= ready), with JSON bodies and 200 or 503. Served by the JDK's
 * own HTTP server on two daemon threads (docs/architecture.md says why); only {@code taclog run} starts it, and
 * only when {@code taclog.metrics.enabled} is on.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final SidecarMeters meters;
    private final Readiness readiness;

    /** The connections of the database reads (a PostgreSQL pool is closed with the server). */
    private final DatabaseReaders readers;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
                          SidecarMeters meters, Readiness readiness, DatabaseReaders readers) {
        this.readers = readers;
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.meters = meters;
        this.readiness = readiness;
    }

    /**
     * Starts the endpoint for a sidecar about to start its routes: asks the sources to publish their figures and
     * the commit step to time its commits (through {@code timeCommits}), then binds the configured address.
     * Fails with a {@link ConfigException} naming the key when the address is unknown or the port taken.
     */
    public static MetricsServer start(TaclogConfig config, IngestRuntime runtime, BooleanSupplier routesStarted,
                                      Consumer<LongConsumer> timeCommits, Clock clock) {
        InetSocketAddress address = address(config);
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw ConfigException.of(ConfigKeys.METRICS_PORT.name(), String.valueOf(address.getPort()),
                    "cannot listen on " + address.getAddress().getHostAddress() + ":" + address.getPort() + ": "
                            + e.getMessage());
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WriterProgress progress = new WriterProgress(runtime.monitor(),
                Duration.ofSeconds(config.get(ConfigKeys.METRICS_STUCK_AFTER)), System::nanoTime);
        DatabaseReaders readers = io.taclog.app.Databases.isPostgres(config)
                ? DatabaseReaders.postgres(io.taclog.app.Databases.postgres(config),
                        Readiness.DB_TIMEOUT_SECONDS * 1000)
                : DatabaseReaders.sqlite(config.get(ConfigKeys.DB), config.get(ConfigKeys.DB_BUSY_TIMEOUT).intValue());
        DatabaseFigures figures = new DatabaseFigures(readers, clock, ZoneId.systemDefault(),
                Duration.ofSeconds(config.get(ConfigKeys.METRICS_DB_REFRESH)));
        SidecarMeters meters = new SidecarMeters(registry, runtime.monitor(), figures, progress);
        runtime.monitor().wantSourceStats();
        timeCommits.accept(meters::committed);
        Readiness readiness = new Readiness(readers, routesStarted, progress);
        // two threads: a health probe is not queued behind a scrape that waits for the database
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "taclog-metrics");
            t.setDaemon(true);
            return t;
        });
        MetricsServer s = new MetricsServer(http, executor, registry, meters, readiness, readers);
        http.createContext("/metrics", s::metrics);
        http.createContext("/health", s::health);
        http.setExecutor(executor);
        http.start();
        LOG.info("metrics and health on http://{}:{}/metrics{}", address.getAddress().getHostAddress(),
                s.port(), address.getAddress().isLoopbackAddress() ? "" : " (reachable from other hosts)");
        return s;
    }

    /** The configured address; a name that does not resolve is a configuration error. */
    private static InetSocketAddress address(TaclogConfig config) {
        String host = config.get(ConfigKeys.METRICS_ADDRESS);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), config.get(ConfigKeys.METRICS_PORT));
        } catch (UnknownHostException e) {
            throw ConfigException.of(ConfigKeys.METRICS_ADDRESS.name(), host, "not a known address");
        }
    }

    /** The port listened on (the chosen one when the configuration said 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/metrics")) {
            send(ex, 404, JSON, "{\"error\":\"not found\"}");
            return;
        }
        String body;
        try {
            meters.beforeScrape();
            body = registry.scrape();
        } catch (RuntimeException e) {
            LOG.warn("metrics: scrape failed", e);
            send(ex, 500, JSON, "{\"error\":\"" + escape(String.valueOf(e)) + "\"}");
            return;
        }
        send(ex, 200, PROMETHEUS_TEXT, body);
    }

    private void health(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/health/live" -> send(ex, 200, JSON, "{\"status\":\"UP\"}");
            case "/health", "/health/", "/health/ready" -> {
                Readiness.Report r = readiness.check();
                send(ex, r.ready() ? 200 : 503, JSON, json(r));
            }
            default -> send(ex, 404, JSON, "{\"error\":\"not found\"}");
        }
    }

    static String json(Readiness.Report r) {
        StringBuilder sb = new StringBuilder("{\"status\":\"").append(r.ready() ? "UP" : "DOWN")
                .append("\",\"checks\":{");
        boolean first = true;
        for (Map.Entry<String, Readiness.Check> e : r.checks().entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(e.getKey()).append("\":{\"status\":\"").append(e.getValue().up() ? "UP" : "DOWN")
                    .append("\",\"detail\":\"").append(escape(e.getValue().detail())).append("\"}");
        }
        return sb.append("}}").toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    /** Stops listening (a scrape in progress gets a second to finish) and closes the registry. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        registry.close();
        readers.close();
    }
}
