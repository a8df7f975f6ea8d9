package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium: each page renders the demo database with the figures `taclog query`
 * prints; a hostile transcript renders as text and runs nothing; the live view shows an API call appended to a
 * watched file within 2 s and survives the sidecar restarting; search finds a string from a tool result.
 *
 * <p>Each page's screenshot is saved to {@code target/dashboard-screenshots/} (docs/dashboard.md shows them; with
 * {@code -Dtaclog.dashboard.screenshots=docs/images/dashboard} they are written there).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LOAD = Duration.ofSeconds(20);

    private static ChromeDriver browser;
    private static DashboardServer demo;
    private static DashboardServer hostile;
    private static Path demoDb;
    private static Path shots;

    @BeforeAll
    static void start() throws Exception {
        browser = Chromium.start();
        demoDb = DashboardFixtures.demo();
        demo = DashboardServer.start(DashboardFixtures.settings(demoDb));
        hostile = DashboardServer.start(DashboardFixtures.settings(DashboardFixtures.hostile()));
        shots = Path.of(System.getProperty("taclog.dashboard.screenshots", "target/dashboard-screenshots"));
        Files.createDirectories(shots);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (demo != null) {
            demo.close();
        }
        if (hostile != null) {
            hostile.close();
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private static void open(DashboardServer s, String path) {
        browser.manage().window().setSize(new Dimension(1400, 1000));
        browser.get(s.url().resolve(path).toString());
        wait(LOAD).until(d -> {
            Object loaded = ((JavascriptExecutor) d).executeScript(
                    "const m = document.getElementById('main'); return m && m.dataset.loaded ? m.dataset.loaded : null;");
            return loaded != null;
        });
    }

    /** A wait that polls every 20 ms and reads through a page re-rendering meanwhile. */
    private static WebDriverWait wait(Duration timeout) {
        WebDriverWait w = new WebDriverWait(browser, timeout, Duration.ofMillis(20));
        w.ignoring(StaleElementReferenceException.class);
        w.ignoring(NoSuchElementException.class);
        return w;
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Returns once the browser has drawn two more frames (what a chart or a resize schedules is on screen). */
    private static void framesDrawn() {
        ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");
    }

    /** A whole-page screenshot of the current page. */
    private static void screenshot(String name) throws Exception {
        js("window.scrollTo(0, 0)");
        framesDrawn(); // charts draw on the next animation frame
        long height = ((Number) js("return Math.min(4000, document.documentElement.scrollHeight)")).longValue();
        browser.manage().window().setSize(new Dimension(1400, (int) Math.max(800, height)));
        framesDrawn(); // and again after the resize
        Files.write(shots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }

    /** $ and four decimals, as the page prints money (JavaScript's toFixed rounds the exact binary value). */
    private static String usd(double v) {
        return "$" + new BigDecimal(v).setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    private static JsonNode cli(String... args) throws Exception {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    private static void assertNothingRan() {
        assertEquals(null, js("return window.__pwned === undefined ? null : String(window.__pwned)"),
                "hostile transcript text ran as script");
        List<String> problems = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            if (m.contains("Content Security Policy") || m.contains("Refused to")) {
                problems.add(m);
            }
        }
        assertTrue(problems.isEmpty(), "the page tried something the policy refused: " + problems);
    }

    private static void assertNoScriptLeftOver() {
        // the page's own two scripts, and no element a transcript could have smuggled in
        assertEquals(2L, js("return document.scripts.length"));
        assertEquals(0L, js("return document.querySelectorAll('main img, main iframe, main svg, main object, "
                + "main embed, main script, main style, main b, main link, main meta, main base').length"));
        assertEquals(0L, js("return Array.from(document.querySelectorAll('[href]')).filter(a => "
                + "!/^(\\/|#|\\?|https?:)/i.test(a.getAttribute('href'))).length"));
        assertEquals(0L, js("return Array.from(document.querySelectorAll('main *')).filter(e => "
                + "Array.from(e.attributes).some(a => a.name.startsWith('on') || a.name === 'style' && "
                + "!e.closest('.gantt, .chart, .meter'))).length"));
    }

    // --- the pages on the demo --------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void overview() throws Exception {
        open(demo, "/");
        assertTrue(text("#sessions").contains("log-1-0"));
        assertTrue(text("#sessions").contains("signal"));
        JsonNode today = cli("query", "cost", "--today", "--tz", "UTC", "--db", demoDb.toString(), "--format", "json");
        assertEquals(usd(today.get("total").get("cost_usd").asDouble()), text("#today-cost"));
        assertTrue(text("#budget").contains("of the daily budget of $1.0000"));
        JsonNode errors = cli("query", "errors", "--since", "2025-01-01", "--warnings", "--db", demoDb.toString(),
                "--format", "json");
        String problems = text("#problems");
        assertTrue(problems.contains(errors.get(errors.size() - 1).get("message").asText()), problems);
        assertTrue(problems.contains("spawn_loop"), "the open spawn-loop episode is listed");
        String ingest = text("#ingest");
        assertTrue(ingest.contains("coordinator-log") && ingest.contains("transcripts"), ingest);
        assertEquals("0", text("#rejects-total"));
        assertTrue(text("#workers").contains("No worker is running."));
        assertNothingRan();
        screenshot("overview");
    }

    @Test
    @Order(2)
    void cost() throws Exception {
        open(demo, "/cost?from=2025-11-01&until=2025-11-30&by=task");
        JsonNode cli = cli("query", "cost", "--by", "task", "--since", "2025-11-01", "--until", "2025-11-30", "--tz",
                "UTC", "--db", demoDb.toString(), "--format", "json");
        assertEquals(usd(cli.get("total").get("cost_usd").asDouble()), text("#cost-total-usd"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#cost-table tbody tr"));
        assertEquals(cli.get("rows").size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = cli.get("rows").get(i);
            List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
            assertEquals(r.get("key").asText(), cells.get(0).getText());
            assertEquals(String.format("%,d", r.get("calls").asLong()), cells.get(1).getText());
            assertEquals(usd(r.get("estimated_usd").asDouble()), cells.get(6).getText());
            assertEquals(usd(r.get("cost_usd").asDouble()), cells.get(7).getText());
            assertEquals(r.get("basis").asText(), cells.get(8).getText());
        }
        assertEquals(1L, js("return document.querySelectorAll('#chart-days canvas').length"), "the chart is drawn");
        assertEquals(1L, js("return document.querySelectorAll('#chart-tasks canvas').length"));
        // the range picker and the grouping reload the figures
        browser.findElement(By.cssSelector("#cost-by option[value='model']")).click();
        wait(LOAD).until(d -> text("#cost-table h2").equals("By model"));
        JsonNode byModel = cli("query", "cost", "--by", "model", "--since", "2025-11-01", "--until", "2025-11-30",
                "--tz", "UTC", "--db", demoDb.toString(), "--format", "json");
        assertEquals(byModel.get("rows").size(), browser.findElements(By.cssSelector("#cost-table tbody tr")).size());
        screenshot("cost");
        js("document.getElementById('range-from').value = '2025-11-06'; document.getElementById('range-until').value "
                + "= '2025-11-07';");
        browser.findElement(By.id("range-apply")).click();
        wait(LOAD).until(d -> text("#cost-total-usd").equals("$0.0000"));
        assertTrue(text("#cost-table").contains("No API calls in this range."));
        assertNothingRan();
    }

    @Test
    @Order(3)
    void tasks() throws Exception {
        open(demo, "/tasks");
        List<WebElement> rows = browser.findElements(By.cssSelector("#tasks-table tbody tr"));
        assertEquals(3, rows.size());
        for (WebElement row : rows) {
            String id = row.getAttribute("data-task");
            JsonNode story = cli("query", "task", id, "--db", demoDb.toString(), "--format", "json");
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertEquals(id, cells.get(0).getText());
            assertEquals(story.get("task").get("status").asText(), cells.get(2).getText());
            assertEquals(String.valueOf(story.get("totals").get("workers").asLong()), cells.get(4).getText());
            assertEquals(String.valueOf(story.get("totals").get("calls").asLong()), cells.get(5).getText());
            assertEquals(usd(story.get("totals").get("cost_usd").asDouble()), cells.get(6).getText());
            assertEquals(story.get("totals").get("basis").asText(), cells.get(7).getText());
            assertEquals("#" + story.get("task").get("pr_number").asLong(), cells.get(8).getText());
        }
        screenshot("tasks");
        browser.findElement(By.cssSelector("#task-status option[value='completed']")).click();
        wait(LOAD).until(d -> browser.getCurrentUrl().contains("status=completed"));
        assertNothingRan();
    }

    @Test
    @Order(4)
    void taskTimeline() throws Exception {
        open(demo, "/task?id=gh-603");
        JsonNode story = cli("query", "task", "gh-603", "--full", "--db", demoDb.toString(), "--format", "json");
        assertEquals(usd(story.get("totals").get("cost_usd").asDouble()), text("#task-cost"));
        assertEquals(story.get("workers").size(), browser.findElements(By.cssSelector("#task-workers tbody tr")).size());
        for (JsonNode w : story.get("workers")) {
            WebElement row = browser.findElement(By.cssSelector("#task-workers tr[data-worker='"
                    + w.get("worker_id").asText() + "']"));
            assertTrue(row.getText().contains(usd(w.get("cost_usd").asDouble())), row.getText());
            assertTrue(row.getText().contains(w.get("basis").asText()));
        }
        assertEquals(story.get("timeline").size(), browser.findElements(By.cssSelector("#task-events tbody tr")).size());
        // workers as bars, coordinator records as marks, estimated times shown as such
        assertEquals(story.get("workers").size(), browser.findElements(By.cssSelector("#gantt .lane.worker")).size());
        assertTrue(browser.findElements(By.cssSelector("#gantt .mark")).size() > 5);
        assertFalse(browser.findElements(By.cssSelector("#gantt .mark.est")).isEmpty(), "estimated times are marked");
        assertFalse(browser.findElements(By.cssSelector("#task-events .badge.src-estimated")).isEmpty());
        assertFalse(browser.findElements(By.cssSelector("#gantt .tick")).isEmpty(), "tool calls are drawn");
        screenshot("task");
        open(demo, "/task?id=gh-601");
        assertFalse(browser.findElements(By.cssSelector("#gantt .lane.sub")).isEmpty(), "the subagent has its bar");
        assertNothingRan();
    }

    @Test
    @Order(5)
    void conversation() throws Exception {
        open(demo, "/worker?id=w-3c9a10");
        long blocks = browser.findElements(By.cssSelector("#conversation .block")).size();
        assertTrue(blocks > 10, "blocks: " + blocks);
        JsonNode task = cli("query", "task", "gh-601", "--db", demoDb.toString(), "--format", "json");
        JsonNode w = task.get("workers").get(0);
        assertEquals(w.get("tool_calls").asLong(), browser.findElements(By.cssSelector("#conversation "
                + ".type-tool_use")).size(), "one folded block per tool call");
        assertEquals(w.get("calls").asLong(), browser.findElements(By.cssSelector("#calls tbody tr")).size());
        assertEquals(w.get("tool_failures").asLong(), browser.findElements(By.cssSelector("#conversation "
                + ".block.error")).size(), "failed tool calls are highlighted");
        assertFalse(browser.findElements(By.cssSelector("#conversation .block.side")).isEmpty(), "subagent indented");
        assertTrue(text("#worker-cost").equals(usd(w.get("cost_usd").asDouble())));
        // a call links to its message and back
        WebElement link = browser.findElement(By.cssSelector("#conversation .call-link"));
        String callId = link.getAttribute("href").replaceAll(".*#call-", "");
        WebElement call = browser.findElement(By.id("call-" + callId));
        WebElement back = call.findElement(By.cssSelector(".msg-link"));
        js("arguments[0].click()", back);
        String index = back.getText().replace("message ", "");
        assertTrue(browser.findElement(By.id("msg-" + index)).getAttribute("class").contains("target"));
        js("document.querySelectorAll('#conversation details.tool')[1].open = true");
        screenshot("conversation");
        assertNothingRan();
    }

    @Test
    @Order(6)
    void search() throws Exception {
        open(demo, "/search");
        browser.findElement(By.id("search-q")).sendKeys("pytest");
        browser.findElement(By.id("search-go")).click();
        wait(LOAD).until(d -> !d.findElements(By.cssSelector(".hit")).isEmpty());
        JsonNode cli = cli("query", "search", "pytest", "--db", demoDb.toString(), "--format", "json", "--limit",
                "50").get("hits");
        assertEquals(cli.size(), browser.findElements(By.cssSelector(".hit")).size());
        // matched words are highlighted as elements, not as markup taken from the transcript
        assertFalse(browser.findElements(By.cssSelector(".hit .snippet mark")).isEmpty());
        screenshot("search");
        // a hit leads into the viewer, at its message
        browser.findElement(By.cssSelector(".hit-link")).click();
        wait(LOAD).until(d -> !d.findElements(By.cssSelector("#conversation .block.target"))
                .isEmpty());
        assertNothingRan();
    }

    @Test
    @Order(7)
    void performance() throws Exception {
        open(demo, "/performance?from=2025-11-01&until=2025-11-30");
        JsonNode tools = cli("query", "tools", "--since", "2025-11-01", "--until", "2025-11-30", "--tz", "UTC", "--db",
                demoDb.toString(), "--format", "json");
        List<WebElement> rows = browser.findElements(By.cssSelector("#perf-tools tbody tr"));
        assertEquals(tools.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(tools.get(i).get("tool").asText(), rows.get(i).findElements(By.tagName("td")).get(0).getText());
            assertEquals(String.valueOf(tools.get(i).get("calls").asLong()),
                    rows.get(i).findElements(By.tagName("td")).get(1).getText());
        }
        assertFalse(browser.findElements(By.cssSelector("#perf-models tbody tr")).isEmpty());
        assertFalse(browser.findElements(By.cssSelector("#perf-workers tbody tr")).isEmpty());
        assertEquals(1L, js("return document.querySelectorAll('#chart-tools canvas').length"));
        screenshot("performance");
        assertNothingRan();
    }

    @Test
    @Order(8)
    void unknownIdsAndBadParametersShowAPage() {
        browser.get(demo.url().resolve("/task?id=gh-999").toString());
        assertTrue(text("main").contains("no task 'gh-999'"));
        browser.get(demo.url().resolve("/worker?id=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E").toString());
        assertTrue(text("main").contains("no worker '<script>window.__pwned=1</script>'"));
        assertNothingRan();
    }

    // --- hostile transcript -----------------------------------------------------------------------------------------

    @Test
    @Order(9)
    void aHostileTranscriptRendersAsTextRunsNothingAndStaysResponsive() throws Exception {
        JsonNode tasks = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(hostile.url()
                .resolve("/api/task?id=" + DashboardFixtures.HOSTILE_TASK)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String worker = tasks.get("workers").get(0).get("worker_id").asText();
        open(hostile, "/worker?id=" + worker);
        String page = text("#conversation");
        assertTrue(page.contains(DashboardFixtures.SCRIPT), "script tags show as text");
        assertTrue(page.contains(DashboardFixtures.IMG), "img tags show as text");
        assertTrue(page.contains(DashboardFixtures.JS_LINK) && page.contains(DashboardFixtures.JS_URL));
        assertTrue(page.contains("Bash<script>window.__pwned=6</script>"), "a hostile tool name shows as text");
        assertTrue(page.contains("image: image/png, 70 bytes"), "images are placeholders: " + page);
        assertFalse(browser.findElements(By.cssSelector("#conversation .block.side")).isEmpty());
        assertFalse(browser.findElements(By.cssSelector("#conversation .block.error")).isEmpty());
        assertNoScriptLeftOver();
        assertNothingRan();
        // open every fold, then the 5 MB output whole
        js("document.querySelectorAll('details').forEach(d => d.open = true)");
        WebElement showAll = browser.findElements(By.cssSelector(".show-all")).stream()
                .filter(b -> b.getText().contains("5,2")).findFirst().orElseThrow();
        js("arguments[0].click()", showAll);
        wait(LOAD).until(d -> ((Number) js("return Math.max(...Array.from("
                + "document.querySelectorAll('pre.text.full')).map(p => p.textContent.length), 0)")).longValue()
                > DashboardFixtures.BIG_OUTPUT_CHARS);
        long t0 = System.nanoTime();
        js("return document.body.getBoundingClientRect().height");
        long pingMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(pingMs < 2000, "the page stays responsive with 5 MB shown: a layout took " + pingMs + " ms");
        String big = (String) js("return Array.from(document.querySelectorAll('pre.text.full')).map(p => p.textContent)"
                + ".find(t => t.length > 5000000)");
        assertNotNull(big);
        assertTrue(big.startsWith(DashboardFixtures.SCRIPT));
        assertTrue(big.contains(DashboardFixtures.MARKER));
        assertNoScriptLeftOver();
        assertNothingRan();
        // the task page and search show the same strings as text
        open(hostile, "/task?id=" + DashboardFixtures.HOSTILE_TASK);
        assertTrue(text("#gantt").length() > 0);
        assertNoScriptLeftOver();
        open(hostile, "/search?q=" + DashboardFixtures.MARKER);
        wait(LOAD).until(d -> !d.findElements(By.cssSelector(".hit")).isEmpty());
        assertTrue(text(".snippet").contains(DashboardFixtures.MARKER), "search finds a string from a tool result");
        open(hostile, "/search?q=" + java.net.URLEncoder.encode("window.__pwned=1", StandardCharsets.UTF_8));
        wait(LOAD).until(d -> !d.findElements(By.cssSelector(".hit")).isEmpty());
        assertNoScriptLeftOver();
        open(hostile, "/");
        open(hostile, "/tasks");
        open(hostile, "/cost?by=worker");
        open(hostile, "/performance");
        assertNothingRan();
    }

    // --- live ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(10)
    void theLiveViewShowsANewCallWithinTwoSecondsAndSurvivesASidecarRestart() throws Exception {
        String jar = System.getProperty("taclog.jar", "target/taclog.jar");
        Path dir = Files.createTempDirectory("taclog-dash-live-");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path file = logs.resolve("gh-777.jsonl");
        Files.writeString(file, Live.init() + Live.assistant(1, "first words"), StandardCharsets.UTF_8);
        Path db = dir.resolve("live.db");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process sidecar = Live.start(jar, db, logs, port, dir.resolve("sidecar-1.log"));
        try {
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            String worker = Live.awaitWorker(base, "gh-777");
            browser.get(base.resolve("/worker?id=" + worker).toString());
            wait(LOAD).until(d -> text("#conversation").contains("first words"));
            wait(LOAD).until(d -> text("#live").equals("live"));
            long calls = browser.findElements(By.cssSelector("#calls tbody tr")).size();

            Files.writeString(file, Live.assistant(2, "LIVE-CHECK-1"), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            long t0 = System.nanoTime();
            wait(Duration.ofSeconds(10)).until(d ->
                    text("#conversation").contains("LIVE-CHECK-1"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("live: the appended call was on the page after " + ms + " ms");
            assertTrue(ms <= 2000, "the appended call took " + ms + " ms to show");
            wait(Duration.ofSeconds(5)).until(d ->
                    d.findElements(By.cssSelector("#calls tbody tr")).size() == calls + 1);
            // a tool call shows at once; its result, written later, folds under it
            Files.writeString(file, Live.toolUse(5, "toolu_live_1"), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            wait(Duration.ofSeconds(10)).until(d -> text("[data-tool-use='toolu_live_1']").contains("no result"));
            Files.writeString(file, Live.toolResult("toolu_live_1", "LIVE-RESULT-1"), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            wait(Duration.ofSeconds(10)).until(d -> text("[data-tool-use='toolu_live_1'] summary").contains("ok"));
            assertTrue(browser.findElements(By.cssSelector("#conversation .type-tool_result")).isEmpty(),
                    "the result is shown under its call, not again on its own");

            // the sidecar restarts: the page says so, reconnects by itself and shows what was written meanwhile
            sidecar.destroy();
            sidecar.waitFor();
            wait(LOAD).until(d -> text("#live").equals("reconnecting"));
            Files.writeString(file, Live.assistant(3, "LIVE-CHECK-2"), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            sidecar = Live.start(jar, db, logs, port, dir.resolve("sidecar-2.log"));
            wait(Duration.ofSeconds(60)).until(d -> text("#conversation")
                    .contains("LIVE-CHECK-2"));
            wait(LOAD).until(d -> text("#live").equals("live"));
            Files.writeString(file, Live.assistant(4, "LIVE-CHECK-3"), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            long t1 = System.nanoTime();
            wait(Duration.ofSeconds(10)).until(d ->
                    text("#conversation").contains("LIVE-CHECK-3"));
            long ms2 = (System.nanoTime() - t1) / 1_000_000;
            System.out.println("live: after the restart, the appended call was on the page after " + ms2 + " ms");
            assertTrue(ms2 <= 2000, "after the restart the appended call took " + ms2 + " ms to show");
            assertNothingRan();
        } finally {
            sidecar.destroy();
            sidecar.waitFor();
        }
    }

    /** A sidecar process with its dashboard, and the transcript lines it follows. */
    static final class Live {

        private static final String SESSION = "9b1f0a4e-7c3d-4e5f-8a9b-0c1d2e3f4a5b";

        static String init() {
            return "{\"type\":\"system\",\"subtype\":\"init\",\"cwd\":\"/tmp/trees/gh-777\",\"session_id\":\"" + SESSION
                    + "\",\"model\":\"claude-sonnet-4-5-20250929\"}\n";
        }

        static String assistant(int n, String text) {
            return "{\"type\":\"assistant\",\"session_id\":\"" + SESSION + "\",\"message\":{\"model\":"
                    + "\"claude-sonnet-4-5-20250929\",\"id\":\"msg_live_" + n + "\",\"type\":\"message\",\"role\":"
                    + "\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"usage\":{"
                    + "\"input_tokens\":3,\"output_tokens\":12,\"cache_read_input_tokens\":100,"
                    + "\"cache_creation_input_tokens\":10}}}\n";
        }

        static String toolUse(int n, String id) {
            return "{\"type\":\"assistant\",\"session_id\":\"" + SESSION + "\",\"message\":{\"model\":"
                    + "\"claude-sonnet-4-5-20250929\",\"id\":\"msg_live_" + n + "\",\"type\":\"message\",\"role\":"
                    + "\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"Bash\","
                    + "\"input\":{\"command\":\"make test\"}}],\"usage\":{\"input_tokens\":3,\"output_tokens\":12}}}\n";
        }

        static String toolResult(String id, String text) {
            return "{\"type\":\"user\",\"session_id\":\"" + SESSION + "\",\"message\":{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + id + "\",\"content\":\""
                    + text + "\"}]}}\n";
        }

        static Process start(String jar, Path db, Path logs, int port, Path log) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new ProcessBuilder(java, "-jar", jar, "run", "--dashboard", "--db", db.toString(), "--watch",
                    logs.toString(), "--set", "taclog.dashboard.port=" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        /** The first worker of {@code task} once the sidecar's dashboard shows one (the sidecar may still start). */
        static String awaitWorker(URI base, String task) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicReference<String> worker = new AtomicReference<>();
            Await.until(Duration.ofSeconds(60), () -> worker.updateAndGet(w -> w != null ? w
                    : firstWorker(http, base, task)) != null, "the sidecar's dashboard shows task " + task);
            return worker.get();
        }

        private static String firstWorker(HttpClient http, URI base, String task) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/task?id=" + task))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode workers = JSON.readTree(r.body()).get("workers");
                    if (workers.size() > 0) {
                        return workers.get(0).get("worker_id").asText();
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null; // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private Live() {
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> unused() {
        return Map.of();
    }
}
