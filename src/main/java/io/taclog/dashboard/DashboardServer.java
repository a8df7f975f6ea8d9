package io.taclog.dashboard;

import io.taclog.search.BadSearchException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.taclog.model.Times;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard: a few static pages (HTML shell, one script, one stylesheet, ECharts, all from the jar) that
 * fetch JSON from {@code /api/...} and draw it, and a stream of change events that makes them refresh when the
 * database changes. Javalin on Jetty serves it (docs/architecture.md, "The dashboard").
 *
 * <p>What protects it (docs/dashboard.md, "Security"):
 * <ul>
 * <li>Every transcript string is treated as hostile: the pages put text into the document only as text nodes
 *     (never as HTML), and a Content-Security-Policy without inline script or style keeps anything that slipped
 *     through from running.</li>
 * <li>The database is opened read-only; request values are bound as SQL parameters or picked from fixed sets.</li>
 * <li>Loopback by default; any other address needs a token, checked on every request. Without a token, requests
 *     must name a loopback host (no DNS rebinding).</li>
 * <li>Only GET and HEAD; request headers and bodies are bounded; a token bucket per client address answers 429.</li>
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

    /** The cookie {@code /login} sets; it holds the token itself (the server keeps no sessions). */
    public static final String COOKIE = "taclog_dashboard";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The pages: path, script page name, title. */
    private static final Map<String, String[]> PAGES = new LinkedHashMap<>();

    static {
        PAGES.put("/", new String[] {"overview", "Overview"});
        PAGES.put("/cost", new String[] {"cost", "Cost"});
        PAGES.put("/tasks", new String[] {"tasks", "Tasks"});
        PAGES.put("/task", new String[] {"task", "Task"});
        PAGES.put("/worker", new String[] {"worker", "Conversation"});
        PAGES.put("/search", new String[] {"search", "Search"});
        PAGES.put("/performance", new String[] {"performance", "Performance"});
    }

    /** Assets served from the jar: URL name, classpath resource, content type. Nothing else is served. */
    private static final String[][] ASSETS = {
        {"app.js", "dashboard/app.js", "text/javascript; charset=utf-8"},
        {"app.css", "dashboard/app.css", "text/css; charset=utf-8"},
        {"echarts.min.js", "META-INF/resources/webjars/echarts/" + EchartsVersion.VERSION + "/dist/echarts.min.js",
            "text/javascript; charset=utf-8"},
        {"favicon.svg", "dashboard/favicon.svg", "image/svg+xml"},
    };

    private static final Set<String> COST_GROUPS = Set.of("none", "day", "week", "month", "model", "task", "worker",
            "session");
    private static final Set<String> TASK_STATUSES = Set.of("detected", "assigned", "active", "completed", "failed",
            "pending", "blocked");

    /** Read connections the requests share (SQLite: opened read-only; PostgreSQL: a read-only HikariCP pool). */
    static final int READERS = 4;
    /** How often the live feed asks the database whether something was committed. */
    static final long LIVE_MILLIS = 250;

    private final DashboardSettings settings;
    private final ReadPool pool;
    private final LiveFeed live;
    private final DashboardData data;
    private final RateLimiter limiter;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();
    private final Map<String, String> assetTypes = new LinkedHashMap<>();
    private final String assetVersion;
    private final Set<String> allowedHosts;
    private Javalin app;

    private DashboardServer(DashboardSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.pool = settings.isPostgres() ? ReadPool.postgres(settings.postgres(), READERS)
                : new ReadPool(settings.db(), READERS, settings.includeArchives());
        this.live = settings.isPostgres() ? LiveFeed.postgres(settings.postgres(), LIVE_MILLIS)
                : new LiveFeed(settings.db(), LIVE_MILLIS);
        this.data = new DashboardData(settings.zone(), settings.dailyBudgetUsd());
        this.limiter = new RateLimiter(settings.requestsPerMinute());
        this.json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String[] a : ASSETS) {
            byte[] bytes = resource(a[1]);
            assets.put(a[0], bytes);
            assetTypes.put(a[0], a[2]);
            sha.update(bytes);
        }
        this.assetVersion = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        Set<String> hosts = new java.util.HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        String bound = settings.address().toLowerCase(Locale.ROOT);
        hosts.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        this.allowedHosts = Set.copyOf(hosts);
    }

    /** Starts the server; fails when the port cannot be bound. */
    public static DashboardServer start(DashboardSettings settings) {
        return start(settings, Clock.systemUTC());
    }

    public static DashboardServer start(DashboardSettings settings, Clock clock) {
        DashboardServer s = new DashboardServer(settings, clock);
        try {
            s.app = s.create().start(settings.address(), settings.port());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        s.live.start();
        LOG.info("dashboard at {}", s.url());
        return s;
    }

    public int port() {
        return app.port();
    }

    /** The address to open (loopback as 127.0.0.1). */
    public URI url() {
        String host = settings.address().contains(":") ? "[" + settings.address() + "]" : settings.address();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + host + ":" + port() + "/");
    }

    private Javalin create() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = 16 * 1024;
            cfg.http.prefer405over404 = true;
            cfg.jetty.modifyHttpConfiguration(hc -> {
                hc.setRequestHeaderSize(16 * 1024);
                hc.setSendServerVersion(false);
            });
            cfg.jetty.modifyServer(server -> {
                for (var c : server.getConnectors()) {
                    if (c instanceof ServerConnector sc) {
                        sc.setIdleTimeout(60_000);
                    }
                }
            });
            cfg.routes.before(this::guard);
            for (var e : PAGES.entrySet()) {
                cfg.routes.get(e.getKey(), ctx -> page(ctx, e.getValue()[0], e.getValue()[1]));
            }
            cfg.routes.get("/login", this::login);
            cfg.routes.get("/assets/{name}", this::asset);
            cfg.routes.get("/api/overview", ctx -> json(ctx, pool.with(c -> data.overview(c, clock.instant()))));
            cfg.routes.get("/api/cost", this::cost);
            cfg.routes.get("/api/tasks", this::tasks);
            cfg.routes.get("/api/task", ctx -> {
                String id = Params.id("id", ctx.queryParam("id"));
                json(ctx, found(pool.with(c -> data.task(c, id)), "no task '" + id + "'"));
            });
            cfg.routes.get("/api/worker", ctx -> {
                String id = Params.id("id", ctx.queryParam("id"));
                json(ctx, found(pool.with(c -> data.worker(c, id)), "no worker '" + id + "'"));
            });
            cfg.routes.get("/api/worker/messages", this::messages);
            cfg.routes.get("/api/worker/calls", this::calls);
            cfg.routes.get("/api/message/text", this::fullText);
            cfg.routes.get("/api/search", this::search);
            cfg.routes.get("/api/performance", ctx -> {
                LocalDate from = Params.date("from", ctx.queryParam("from"));
                LocalDate until = Params.date("until", ctx.queryParam("until"));
                json(ctx, pool.with(c -> data.performance(c, from, until, clock.instant())));
            });
            cfg.routes.get("/api/version", ctx -> json(ctx, Map.of("version", live.version(),
                    "now", Times.format(clock.instant()))));
            cfg.routes.sse("/api/live", live::add);
            cfg.routes.exception(HttpProblem.class, (e, ctx) -> problem(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(ReadPool.Busy.class, (e, ctx) -> problem(ctx, 503, e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("dashboard request {} failed", ctx.path(), e);
                problem(ctx, 500, e instanceof SQLException ? "the database could not answer: " + e.getMessage()
                        : "internal error");
            });
            // Javalin's own answers (no route, wrong method) are plain text: replaced by ours
            cfg.routes.error(404, ctx -> {
                if (!ours(ctx)) {
                    problem(ctx, 404, "no such page: " + ctx.path());
                }
            });
            cfg.routes.error(405, ctx -> {
                if (!ours(ctx)) {
                    problem(ctx, 405, "only GET and HEAD are served");
                }
            });
        });
    }

    // --- the guard every request passes -------------------------------------------------------------------------

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        String method = ctx.req().getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new HttpProblem(405, "only GET and HEAD are served");
        }
        if (ctx.req().getContentLengthLong() > 0) {
            throw new HttpProblem(413, "requests carry no body here");
        }
        if (!limiter.allow(ctx.ip(), System.nanoTime())) {
            ctx.header("Retry-After", "1");
            throw new HttpProblem(429, "too many requests; slow down");
        }
        if (settings.token().isEmpty()) {
            String host = hostName(ctx.header("Host"));
            if (host == null || !allowedHosts.contains(host)) {
                throw HttpProblem.badRequest("unexpected Host header: open the dashboard as http://127.0.0.1:"
                        + port() + "/ (or set a token to serve other names)");
            }
            return;
        }
        if (ctx.path().equals("/login")) {
            return;
        }
        String bearer = ctx.header("Authorization");
        String presented = bearer != null && bearer.startsWith("Bearer ") ? bearer.substring(7) : ctx.cookie(COOKIE);
        if (!tokenMatches(presented)) {
            throw new HttpProblem(401, "this dashboard needs its token: open /login?token=... once, or send "
                    + "'Authorization: Bearer ...'");
        }
    }

    /** The host name of a Host header, without its port, lower case; null when absent or malformed. */
    static String hostName(String header) {
        if (header == null || header.isEmpty() || header.length() > 255) {
            return null;
        }
        String h = header.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private boolean tokenMatches(String presented) {
        if (presented == null || settings.token().isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                settings.token().get().getBytes(StandardCharsets.UTF_8));
    }

    private void login(Context ctx) {
        if (settings.token().isEmpty()) {
            ctx.redirect("/");
            return;
        }
        if (!tokenMatches(ctx.queryParam("token"))) {
            throw new HttpProblem(401, "wrong or missing token");
        }
        ctx.cookie(new Cookie(COOKIE, settings.token().get(), "/", -1, false, true, null, SameSite.STRICT));
        ctx.redirect("/");
    }

    // --- pages and assets ---------------------------------------------------------------------------------------

    private void page(Context ctx, String page, String title) throws SQLException {
        if (page.equals("task")) {
            String id = Params.id("id", ctx.queryParam("id"));
            if (pool.with(c -> io.taclog.query.Rows.one(c, "SELECT 1 AS x FROM tasks WHERE task_id = ?", id)) == null) {
                throw HttpProblem.notFound("no task '" + id + "'");
            }
        }
        if (page.equals("worker")) {
            String id = Params.id("id", ctx.queryParam("id"));
            if (pool.with(c -> io.taclog.query.Rows.one(c, "SELECT 1 AS x FROM worker_sessions WHERE worker_id = ?",
                    id)) == null) {
                throw HttpProblem.notFound("no worker '" + id + "'");
            }
        }
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(shell(page, title, null));
    }

    /** The HTML of a page: navigation, an empty main element the script fills, and the script. */
    private String shell(String page, String title, String problem) {
        StringBuilder nav = new StringBuilder();
        for (var e : PAGES.entrySet()) {
            if (e.getKey().equals("/task") || e.getKey().equals("/worker")) {
                continue;
            }
            boolean current = e.getValue()[0].equals(page)
                    || (page.equals("task") && e.getKey().equals("/tasks"));
            nav.append("<a href=\"").append(e.getKey()).append('"').append(current ? " aria-current=\"page\"" : "")
                    .append('>').append(e.getValue()[1]).append("</a>");
        }
        String body = problem == null ? "<main id=\"main\" data-page=\"" + page + "\"><p class=\"loading\">Loading…</p>"
                + "</main>" : "<main id=\"main\" data-page=\"problem\"><h1>" + escape(title) + "</h1><p class=\"problem\">"
                + escape(problem) + "</p><p><a href=\"/\">Back to the overview</a></p></main>";
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · taclog</title>"
                + "<link rel=\"icon\" href=\"/assets/favicon.svg?v=" + assetVersion + "\">"
                + "<link rel=\"stylesheet\" href=\"/assets/app.css?v=" + assetVersion + "\">"
                + (problem == null ? "<script src=\"/assets/echarts.min.js?v=" + assetVersion + "\" defer></script>"
                + "<script src=\"/assets/app.js?v=" + assetVersion + "\" defer></script>" : "")
                + "</head><body><header><a class=\"brand\" href=\"/\">taclog</a><nav>" + nav + "</nav>"
                + "<span id=\"live\" class=\"live\" title=\"live updates\">" + (problem == null ? "connecting" : "")
                + "</span></header>" + body + "</body></html>\n";
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        byte[] bytes = assets.get(name);
        if (bytes == null) {
            throw HttpProblem.notFound("no such asset: " + name);
        }
        ctx.header("Cache-Control", "public, max-age=86400");
        ctx.contentType(assetTypes.get(name)).result(bytes);
    }

    // --- JSON endpoints -----------------------------------------------------------------------------------------

    private void cost(Context ctx) throws SQLException, JsonProcessingException {
        LocalDate from = Params.date("from", ctx.queryParam("from"));
        LocalDate until = Params.date("until", ctx.queryParam("until"));
        String by = Params.choice("by", ctx.queryParam("by"), "day", COST_GROUPS);
        boolean breakdown = Params.choice("breakdown", ctx.queryParam("breakdown"), "false",
                Set.of("true", "false")).equals("true");
        int top = Params.integer("top", ctx.queryParam("top"), 0, 0, 1000);
        int page = Params.integer("page", ctx.queryParam("page"), 1, 1, 1_000_000);
        int size = Params.integer("size", ctx.queryParam("size"), 0, 0, 1000);
        json(ctx, pool.with(c -> data.cost(c, from, until, by, breakdown, top, page, size, clock.instant())));
    }

    private void tasks(Context ctx) throws SQLException, JsonProcessingException {
        String status = Params.choice("status", ctx.queryParam("status"), null, TASK_STATUSES);
        String q = ctx.queryParam("q");
        if (q != null && q.length() > Params.MAX_QUERY_CHARS) {
            throw HttpProblem.badRequest("parameter 'q' is too long");
        }
        String text = q == null || q.isBlank() ? null : q;
        int page = Params.integer("page", ctx.queryParam("page"), 1, 1, 1_000_000);
        int size = Params.integer("size", ctx.queryParam("size"), 50, 1, 500);
        json(ctx, pool.with(c -> data.tasks(c, status, text, page, size)));
    }

    private void messages(Context ctx) throws SQLException, JsonProcessingException {
        String id = Params.id("id", ctx.queryParam("id"));
        long from = Params.integer("from", ctx.queryParam("from"), 0, 0, Integer.MAX_VALUE);
        int limit = Params.integer("limit", ctx.queryParam("limit"), 200, 1, DashboardData.MAX_MESSAGES);
        json(ctx, pool.with(c -> {
            if (io.taclog.query.Rows.one(c, "SELECT 1 AS x FROM worker_sessions WHERE worker_id = ?", id) == null) {
                throw HttpProblem.notFound("no worker '" + id + "'");
            }
            return data.messages(c, id, from, limit);
        }));
    }

    private void calls(Context ctx) throws SQLException, JsonProcessingException {
        String id = Params.id("id", ctx.queryParam("id"));
        int page = Params.integer("page", ctx.queryParam("page"), 1, 1, 1_000_000);
        int size = Params.integer("size", ctx.queryParam("size"), 200, 1, 1000);
        json(ctx, pool.with(c -> {
            if (io.taclog.query.Rows.one(c, "SELECT 1 AS x FROM worker_sessions WHERE worker_id = ?", id) == null) {
                throw HttpProblem.notFound("no worker '" + id + "'");
            }
            return data.calls(c, id, page, size);
        }));
    }

    private void fullText(Context ctx) throws SQLException {
        long id = Params.longValue("id", ctx.queryParam("id"), 1, Long.MAX_VALUE);
        String text = pool.with(c -> data.fullText(c, id));
        if (text == null) {
            throw HttpProblem.notFound("no conversation block " + id);
        }
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/plain; charset=utf-8").result(text);
    }

    private void search(Context ctx) throws SQLException, JsonProcessingException {
        String q = Params.searchText(ctx.queryParam("q"));
        String task = Params.optionalId("task", ctx.queryParam("task"));
        int page = Params.integer("page", ctx.queryParam("page"), 1, 1, 10_000);
        int size = Params.integer("size", ctx.queryParam("size"), 50, 1, 200);
        try {
            json(ctx, pool.with(c -> data.search(c, q, task, page, size)));
        } catch (BadSearchException e) { // text with no word, a page beyond the last one searched
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** Whether the answer is one this server wrote (JSON or HTML), not a default of Javalin's. */
    private static boolean ours(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && (type.startsWith("application/json") || type.startsWith("text/html"));
    }

    private static Object found(Object value, String message) {
        if (value == null) {
            throw HttpProblem.notFound(message);
        }
        return value;
    }

    private void json(Context ctx, Object value) throws JsonProcessingException {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json; charset=utf-8").result(json.writeValueAsBytes(value));
    }

    /** An error answer: JSON for the API, an HTML page for everything else. */
    private void problem(Context ctx, int status, String message) {
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        if (ctx.path().startsWith("/api/") || ctx.path().startsWith("/assets/")) {
            try {
                ctx.contentType("application/json; charset=utf-8").result(json.writeValueAsBytes(
                        Map.of("status", status, "error", message)));
            } catch (JsonProcessingException e) {
                ctx.contentType("text/plain; charset=utf-8").result(message);
            }
            return;
        }
        String title = switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Token needed";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 429 -> "Too many requests";
            case 501 -> "Not available";
            case 503 -> "Busy";
            default -> "Error " + status;
        };
        ctx.contentType("text/html; charset=utf-8").result(shell("problem", title, message));
    }

    /** HTML-escapes text for the few server-made pages (error pages). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dashboard asset " + name, e);
        }
    }

    @Override
    public void close() {
        live.close();
        if (app != null) {
            app.stop();
        }
        pool.close();
    }
}
