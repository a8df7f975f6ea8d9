package io.taclog.parse;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a transcript's path says about its worker and task: the worker id from a configurable pattern
 * (default the file stem) and the task id from another (default {@code trees/<task>/},
 * {@code logs/<task>.jsonl} or Claude's {@code -trees-<task>} project folder).
 */
public final class TranscriptPaths {

    private final Optional<Pattern> workerPattern;
    private final Optional<Pattern> taskPattern;
    /**
     * What the last path said: every line of a file asks, and the regular expressions cost a sizeable share of
     * parsing a transcript. Immutable, so the parser threads of several sources may share it.
     */
    private volatile Said last = new Said(null, null, null);

    private record Said(String path, String worker, String task) {
    }

    public TranscriptPaths(Optional<Pattern> workerPattern, Optional<Pattern> taskPattern) {
        this.workerPattern = workerPattern;
        this.taskPattern = taskPattern;
    }

    /** The stream a record of {@code path} belongs to, with what the path says about its worker and task. */
    public io.taclog.model.StreamRef streamRef(String sessionId, String agent, String path) {
        Said said = last;
        if (path == null || !path.equals(said.path())) {
            said = new Said(path, pathWorker(path), taskHint(path));
            last = said;
        }
        String worker = said.worker() == null || workerPattern.isEmpty() && said.worker().equals(sessionId) ? null
                : said.worker();
        return new io.taclog.model.StreamRef(sessionId, agent, path, worker, said.task());
    }

    /** Worker id the path suggests, or null when it would only repeat the session id. */
    public String workerHint(String path, String sessionId) {
        String w = pathWorker(path);
        return w == null || workerPattern.isEmpty() && w.equals(sessionId) ? null : w;
    }

    /** The worker id the path names, before comparing it with the session id. */
    private String pathWorker(String path) {
        if (path == null) {
            return null;
        }
        if (workerPattern.isPresent()) {
            Matcher m = workerPattern.get().matcher(path);
            return m.find() ? m.group("worker") : null;
        }
        String stem = stem(path);
        if (stem.isEmpty() || path.contains("/subagents/") || stem.startsWith("rollout-")
                || stem.startsWith("agent-")) {
            return null;
        }
        return stem;
    }

    public String taskHint(String path) {
        if (path == null || taskPattern.isEmpty()) {
            return null;
        }
        Matcher m = taskPattern.get().matcher(path.replace('\\', '/'));
        return m.find() ? m.group("task") : null;
    }

    /** File name without directories and without its last extension. */
    public static String stem(String path) {
        Path name = Path.of(path).getFileName();
        if (name == null) {
            return "";
        }
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
