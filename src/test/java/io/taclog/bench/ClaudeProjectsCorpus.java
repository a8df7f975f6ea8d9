package io.taclog.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@code ~/.claude/projects} tree in the shape users have: many session files (tens of KB each)
 * over a handful of project folders, with subagent files under {@code <session>/subagents/}. Each file is a
 * copy of a real session file from the shipped samples in which every id (session, message, request, tool
 * call, line uuid) is replaced by a fresh one of the same shape and every ISO timestamp is moved by whole
 * days, so no two copies share an API call or a tool-call id (as in real data) and the history spreads
 * over many days. Copies are made in rounds: one round copies every sample once with one id mapping, so a
 * subagent file keeps pointing at its parent session. Deterministic for a given seed.
 */
public final class ClaudeProjectsCorpus {

    private static final Pattern ID_VALUE = Pattern.compile("\"(uuid|parentUuid|sessionId|requestId|id|messageId"
            + "|toolUseID|tool_use_id|sourceToolAssistantUUID|promptId|parentToolUseID|logicalParentUuid|leafUuid"
            + "|sourceToolUseID|anchorUuid|headUuid|tailUuid|interruptedMessageId|refusedUserMessageUuid)\":\""
            + "([^\"\\\\]{6,80})\"");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ISO_DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(T\\d{2}:\\d{2}:\\d{2})");
    private static final Pattern PREFIX = Pattern.compile("^[a-z]+(?:_[a-z]+)*_");
    private static final int PROJECTS = 17;
    private static final int DAYS = 120;

    /** What was written. */
    public record Written(int files, long bytes, long lines) {
    }

    private final List<Sample> samples;
    private final long seed;

    private record Sample(String name, byte[] bytes, boolean subagent) {
    }

    public ClaudeProjectsCorpus(Path sampleDir, long seed) throws IOException {
        List<Sample> list = new ArrayList<>();
        try (Stream<Path> s = Files.list(sampleDir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                String n = p.getFileName().toString();
                list.add(new Sample(n, Files.readAllBytes(p), n.contains("-subagent-agent-")));
            }
        }
        if (list.isEmpty()) {
            throw new IOException("no *.jsonl session files in " + sampleDir);
        }
        this.samples = list;
        this.seed = seed;
    }

    /** Copies rounds of the samples into {@code projectsDir} until about {@code totalBytes} are written. */
    public Written write(Path projectsDir, long totalBytes) throws IOException {
        return write(projectsDir, totalBytes, Integer.MAX_VALUE);
    }

    /** As {@link #write(Path, long)}, stopping also after {@code maxFiles} files. */
    public Written write(Path projectsDir, long totalBytes, int maxFiles) throws IOException {
        int files = 0;
        long bytes = 0;
        long lines = 0;
        for (int round = 0; bytes < totalBytes && files < maxFiles; round++) {
            IdMap ids = new IdMap(seed * 1_000_003L + round);
            Path project = projectsDir.resolve("-home-dev-src-project-" + (round % PROJECTS));
            Files.createDirectories(project);
            Map<String, String> sessionOf = new HashMap<>();
            List<Sample> ordered = new ArrayList<>(samples);
            ordered.sort((a, b) -> Boolean.compare(a.subagent, b.subagent)); // parents first
            for (Sample sample : ordered) {
                if (bytes >= totalBytes || files >= maxFiles) {
                    break;
                }
                String text = new String(sample.bytes, StandardCharsets.UTF_8);
                String copy = rewrite(text, ids, round % DAYS + 1);
                Path target = target(project, sample, copy, ids, sessionOf);
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    byte[] b = copy.getBytes(StandardCharsets.UTF_8);
                    out.write(b);
                    bytes += b.length;
                }
                lines += copy.chars().filter(c -> c == '\n').count();
                files++;
            }
        }
        return new Written(files, bytes, lines);
    }

    private static Path target(Path project, Sample sample, String copy, IdMap ids, Map<String, String> sessionOf) {
        String session = firstSessionId(copy);
        if (sample.subagent) {
            String agent = sample.name.substring(sample.name.indexOf("-subagent-agent-") + "-subagent-".length());
            return project.resolve(session == null ? "orphan" : session).resolve("subagents").resolve(agent);
        }
        Matcher m = UUID.matcher(sample.name);
        String name = m.find() ? ids.map(m.group()) : session != null ? session : ids.map(sample.name);
        sessionOf.put(sample.name, name);
        return project.resolve(name + ".jsonl");
    }

    private static String firstSessionId(String text) {
        Matcher m = Pattern.compile("\"sessionId\":\"([0-9a-f-]{36})\"").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String rewrite(String text, IdMap ids, int shiftDays) {
        // every UUID anywhere (ids, paths, text); then the ids of other shapes (msg_, req_, toolu_, ...)
        String out = replaceAll(UUID, text, ids::map);
        StringBuilder sb = new StringBuilder(out.length());
        Matcher m = ID_VALUE.matcher(out);
        int last = 0;
        while (m.find()) {
            String value = m.group(2);
            sb.append(out, last, m.start(2)).append(UUID.matcher(value).find() ? value : ids.map(value));
            last = m.end(2);
        }
        sb.append(out, last, out.length());
        return replaceAll(ISO_DATE, sb.toString(),
                d -> LocalDate.parse(d.substring(0, 10)).plusDays(shiftDays) + d.substring(10));
    }

    private static String replaceAll(Pattern p, String text, java.util.function.UnaryOperator<String> f) {
        Matcher m = p.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            sb.append(text, last, m.start()).append(f.apply(m.group()));
            last = m.end();
        }
        sb.append(text, last, text.length());
        return sb.toString();
    }

    /** Maps an id to a fresh one of the same shape (prefix kept, digits to digits, letters to letters). */
    private static final class IdMap {
        private final long salt;
        private final Map<String, String> done = new HashMap<>();

        IdMap(long salt) {
            this.salt = salt;
        }

        String map(String id) {
            return done.computeIfAbsent(id, this::fresh);
        }

        private String fresh(String id) {
            Matcher pm = PREFIX.matcher(id);
            int from = pm.find() ? pm.end() : 0;
            boolean hex = id.substring(from).chars().allMatch(c -> c == '-' || Character.isDigit(c)
                    || (c >= 'a' && c <= 'f'));
            long h = mix(salt ^ id.hashCode() * 0x9E3779B97F4A7C15L);
            StringBuilder sb = new StringBuilder(id.substring(0, from));
            for (int i = from; i < id.length(); i++) {
                char c = id.charAt(i);
                h = mix(h + i);
                int r = (int) ((h >>> 33) & 0x7fffffff);
                if (Character.isDigit(c) || (hex && c >= 'a' && c <= 'f')) {
                    sb.append(hex ? "0123456789abcdef".charAt(r % 16) : (char) ('0' + r % 10));
                } else if (c >= 'a' && c <= 'z') {
                    sb.append((char) ('a' + r % 26));
                } else if (c >= 'A' && c <= 'Z') {
                    sb.append((char) ('A' + r % 26));
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    /** {@code ClaudeProjectsCorpus SAMPLE_DIR OUT_DIR MB}: writes a corpus (for trying things by hand). */
    public static void main(String[] args) throws IOException {
        Path samples = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long mb = Long.parseLong(args[2]);
        Written w = new ClaudeProjectsCorpus(samples, 42).write(out.resolve("projects"), mb * 1_000_000L);
        System.out.printf("%d files, %.1f MB, %d lines in %s%n", w.files(), w.bytes() / 1e6, w.lines(), out);
    }
}
