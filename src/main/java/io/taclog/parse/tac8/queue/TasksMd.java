package io.taclog.parse.tac8.queue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineClassifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a tasks.md snapshot: the coordinator's grammar strictly (research section 6.2), and the
 * free-form entries workers write (Completed with a PR, Blocked) leniently. Any other line is kept as
 * unparsed; a file that is not a work queue at all yields a snapshot of unparsed lines, never an error.
 */
public final class TasksMd {

    private static final Pattern LAST_UPDATED = Pattern.compile("^\\*\\*Last updated:\\*\\*\\s*(?<t>.+?)\\s*$");
    private static final Pattern SECTION = Pattern.compile("^## (?<name>Pending|Active|Completed Today|Failed|Blocked)"
            + "(?: \\(max \\d+\\))?\\s*$");
    private static final Pattern PENDING =
            Pattern.compile("^\\[\\] (?<task>[^\\s:]+): (?<title>.*?) \\{p(?<p>\\d)\\}\\s*$");
    private static final Pattern ENTRY =
            Pattern.compile("^\\[(?<icon>\\S+?)\\s+(?<a>[^,\\]]+?)(?:,\\s*(?<b>[^\\]]+?))?\\] "
            + "(?<task>[^\\s:]+): (?<title>.*?)(?: \\{p(?<p>\\d)\\})?(?: - PR: (?<pr>#?\\d+|\\S+))?\\s*$");
    private static final Pattern META = Pattern.compile("^<!-- META:(?<json>.*) -->\\s*$");
    private static final Pattern DETAIL = Pattern.compile("^- (?<k>[A-Za-z][A-Za-z ]*?): ?(?<v>.*)$");
    private static final Pattern BULLET = Pattern.compile("^- (?<v>.+)$");
    private static final Pattern HEALTH = Pattern.compile("^  \\S.*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("^<!-- No (?:pending|active|completed|failed|blocked) "
            + "tasks(?: today)? -->\\s*$");

    private TasksMd() {
    }

    public static QueueSnapshot parse(String text) {
        String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
        String title = null;
        String lastUpdated = null;
        String section = null;
        List<QueueSnapshot.Pending> pending = new ArrayList<>();
        Map<String, List<QueueSnapshot.Entry>> entries = new LinkedHashMap<>();
        for (String s : List.of("Active", "Completed Today", "Failed", "Blocked")) {
            entries.put(s, new ArrayList<>());
        }
        List<QueueSnapshot.Unparsed> unparsed = new ArrayList<>();
        PendingBuilder openPending = null;
        EntryBuilder openEntry = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isBlank()) {
                if (openEntry != null) {
                    openEntry.close(entries);
                    openEntry = null;
                }
                continue;
            }
            Matcher m;
            if (title == null && section == null && line.startsWith("# ")) {
                title = line.substring(2).strip();
                continue;
            }
            if ((m = LAST_UPDATED.matcher(line)).matches()) {
                lastUpdated = m.group("t");
                continue;
            }
            if (line.equals("---")) {
                openPending = close(openPending, pending);
                openEntry = closeEntry(openEntry, entries);
                continue;
            }
            if ((m = SECTION.matcher(line)).matches()) {
                openPending = close(openPending, pending);
                openEntry = closeEntry(openEntry, entries);
                section = m.group("name");
                continue;
            }
            if (PLACEHOLDER.matcher(line).matches()) {
                continue;
            }
            if ("Pending".equals(section)) {
                if ((m = PENDING.matcher(line)).matches()) {
                    openPending = close(openPending, pending);
                    openPending = new PendingBuilder(m.group("task"), m.group("title"), Integer.valueOf(m.group("p")),
                            n);
                    continue;
                }
                if (openPending != null && (m = META.matcher(line)).matches() && openPending.meta == null
                        && openPending.health.isEmpty()) {
                    openPending.meta = meta(m.group("json"));
                    if (openPending.meta != null) {
                        continue;
                    }
                }
                if (openPending != null && HEALTH.matcher(line).matches()) {
                    openPending.health.add(line.strip());
                    continue;
                }
            } else if (section != null) {
                if ((m = ENTRY.matcher(line)).matches()) {
                    openEntry = closeEntry(openEntry, entries);
                    String home = m.group("icon").startsWith("⏰") ? "Blocked" : section;
                    openEntry = new EntryBuilder(home, m, n);
                    continue;
                }
                if (openEntry != null && (m = DETAIL.matcher(line)).matches()) {
                    openEntry.details.putIfAbsent(m.group("k"), m.group("v").strip());
                    continue;
                }
                if (openEntry != null && (m = BULLET.matcher(line)).matches()) {
                    openEntry.bullets.add(m.group("v").strip());
                    continue;
                }
            }
            unparsed.add(new QueueSnapshot.Unparsed(n, section, line));
        }
        close(openPending, pending);
        closeEntry(openEntry, entries);
        return new QueueSnapshot(title, lastUpdated, pending, entries.get("Active"), entries.get("Completed Today"),
                entries.get("Failed"), entries.get("Blocked"), unparsed);
    }

    private static QueueSnapshot.Meta meta(String json) {
        try {
            JsonNode n = LineClassifier.JSON.readTree(json);
            if (!n.isObject() || !n.path("attempts").isNumber()) {
                return null;
            }
            List<String> types = new ArrayList<>();
            n.path("failure_types").forEach(t -> types.add(t.asText()));
            return new QueueSnapshot.Meta(n.get("attempts").asInt(),
                    n.path("max_attempts").isNumber() ? n.get("max_attempts").asInt() : null,
                    n.path("failed_at").isTextual() ? n.get("failed_at").asText() : null, types,
                    n.path("last_failure").isTextual() ? n.get("last_failure").asText() : null);
        } catch (IOException e) {
            return null; // kept as an unparsed line: TAC-8 itself prints "Failed to parse metadata" (P01)
        }
    }

    private static PendingBuilder close(PendingBuilder b, List<QueueSnapshot.Pending> out) {
        if (b != null) {
            out.add(new QueueSnapshot.Pending(b.task, b.title, b.priority, b.meta, b.health, b.line));
        }
        return null;
    }

    private static EntryBuilder closeEntry(EntryBuilder b, Map<String, List<QueueSnapshot.Entry>> out) {
        if (b != null) {
            b.close(out);
        }
        return null;
    }

    private static final class PendingBuilder {
        final String task;
        final String title;
        final Integer priority;
        final int line;
        QueueSnapshot.Meta meta;
        final List<String> health = new ArrayList<>();

        PendingBuilder(String task, String title, Integer priority, int line) {
            this.task = task;
            this.title = title;
            this.priority = priority;
            this.line = line;
        }
    }

    private static final class EntryBuilder {
        final String section;
        final Matcher m;
        final int line;
        final Map<String, String> details = new LinkedHashMap<>();
        final List<String> bullets = new ArrayList<>();
        private final String[] groups;

        EntryBuilder(String section, Matcher m, int line) {
            this.section = section;
            this.m = m;
            this.line = line;
            this.groups = new String[] {m.group("icon"), m.group("a"), m.group("b"), m.group("task"), m.group("title"),
                    m.group("p"), m.group("pr")};
        }

        void close(Map<String, List<QueueSnapshot.Entry>> out) {
            out.get(section).add(new QueueSnapshot.Entry(section, groups[0], groups[1].strip(),
                    groups[2] == null ? null : groups[2].strip(), groups[3], groups[4],
                    groups[5] == null ? null : Integer.valueOf(groups[5]), groups[6], details, bullets, line));
        }
    }
}
