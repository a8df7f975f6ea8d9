package io.taclog.parse.tac8;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paths TAC-8 derives from its repository root R: worktrees {@code R/trees/<task>}, worker logs
 * {@code R/logs/<task>.jsonl}, prompts {@code R/logs/<task>-prompt.txt}, branches {@code auto/<worker>}.
 */
public final class RepoPaths {

    private static final Pattern TREE = Pattern.compile("(?:^|/)trees/(?<task>[^/\\s]+)/?$");
    private static final Pattern BRANCH_WORKER = Pattern.compile("auto/(?<worker>w-[0-9a-f]+)");
    private static final Pattern PROMPT_AFTER_P = Pattern.compile("(?:^|\\s)-p\\s+'?(?<file>[^'\\s-][^'\\s]*)'?");
    private static final Pattern PROMPT_CAT = Pattern.compile("\\bcat\\s+'(?<file>[^']+)'");
    private static final Pattern ISSUE = Pattern.compile("^[A-Za-z]+-(\\d{1,9})$");
    private static final Pattern MODEL = Pattern.compile("--model\\s+'?(?<model>[^'\\s]+)'?");

    private RepoPaths() {
    }

    /** The task a worktree path names ({@code .../trees/gh-512}), else its last path element. */
    public static String taskOfWorktree(String path) {
        if (path == null) {
            return null;
        }
        String p = path.strip();
        Matcher m = TREE.matcher(p);
        if (m.find()) {
            return m.group("task");
        }
        int slash = p.replaceAll("/+$", "").lastIndexOf('/');
        return slash < 0 ? p : p.replaceAll("/+$", "").substring(slash + 1);
    }

    /** The repository root from the tasks file ({@code R/tasks.md}) or the config file ({@code R/adws/config.toml}). */
    public static String rootFromTasksFile(String tasksFile) {
        return parent(tasksFile);
    }

    public static String rootFromConfigFile(String configFile) {
        String adws = parent(configFile);
        return adws == null ? null : parent(adws);
    }

    public static String worktree(String root, String task) {
        return root == null ? null : root + "/trees/" + task;
    }

    public static String workerLog(String root, String task) {
        return root == null ? null : root + "/logs/" + task + ".jsonl";
    }

    public static String promptFile(String root, String task) {
        return root == null ? null : root + "/logs/" + task + "-prompt.txt";
    }

    public static String branch(String workerId) {
        return workerId == null ? null : "auto/" + workerId;
    }

    /** The issue number of a task id such as {@code gh-450}. */
    public static Integer issueNumber(String taskId) {
        if (taskId == null) {
            return null;
        }
        Matcher m = ISSUE.matcher(taskId);
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }

    /** The worker id in a text naming its branch (a failed {@code git worktree add ... -b auto/w-...}). */
    public static String workerInText(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = BRANCH_WORKER.matcher(text);
        return m.find() ? m.group("worker") : null;
    }

    /** The prompt file of a spawn command (M1-M10 {@code -p <file>}, M12 {@code cat '<file>' | claude ...}). */
    public static String promptOfCommand(String command) {
        if (command == null) {
            return null;
        }
        Matcher cat = PROMPT_CAT.matcher(command);
        if (cat.find()) {
            return cat.group("file");
        }
        Matcher p = PROMPT_AFTER_P.matcher(command);
        return p.find() ? p.group("file") : null;
    }

    public static String modelOfCommand(String command) {
        if (command == null) {
            return null;
        }
        Matcher m = MODEL.matcher(command);
        return m.find() ? m.group("model") : null;
    }

    private static String parent(String path) {
        if (path == null) {
            return null;
        }
        String p = path.strip().replaceAll("/+$", "");
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? null : p.substring(0, slash);
    }
}
