package io.taclog.parse.tac8.queue;

import java.util.List;
import java.util.Map;

/**
 * One version of the work queue (TAC-8 tasks.md, research section 6), as written: times stay naive
 * local text (converted with the configured time zone when used), every line the grammar does not
 * know is kept in {@code unparsed}.
 */
public record QueueSnapshot(String title, String lastUpdated, List<Pending> pending, List<Entry> active,
                            List<Entry> completed, List<Entry> failed, List<Entry> blocked, List<Unparsed> unparsed) {

    public QueueSnapshot {
        pending = List.copyOf(pending);
        active = List.copyOf(active);
        completed = List.copyOf(completed);
        failed = List.copyOf(failed);
        blocked = List.copyOf(blocked);
        unparsed = List.copyOf(unparsed);
    }

    /** A {@code [] gh-N: title {pN}} line with its META and health lines. */
    public record Pending(String taskId, String title, Integer priority, Meta meta, List<String> health, int line) {
        public Pending {
            health = List.copyOf(health);
        }
    }

    /** The {@code <!-- META:{...} -->} retry state (M7+). */
    public record Meta(int attempts, Integer maxAttempts, String failedAt, List<String> failureTypes,
                       String lastFailure) {
        public Meta {
            failureTypes = failureTypes == null ? List.of() : List.copyOf(failureTypes);
        }
    }

    /**
     * An entry {@code [<icon> <a>, <b>] <task>: <title>} of the Active, Completed, Failed or Blocked
     * section, with its {@code - Key: value} lines ({@code details}) and other {@code - ...} lines
     * ({@code bullets}: alerts).
     *
     * @param inlinePr a {@code - PR: #N} written on the entry line itself (worker edits)
     */
    public record Entry(String section, String icon, String first, String second, String taskId, String title,
                        Integer priority, String inlinePr, Map<String, String> details, List<String> bullets,
                        int line) {
        public Entry {
            // in the file's order: Map.copyOf iterates in an order that changes from one JVM to the next, and the
            // stored body (JSON) would then differ between two ingests of the same file
            details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
            bullets = List.copyOf(bullets);
        }

        /** The worker id of the entry (a {@code w-...} in the brackets). */
        public String workerId() {
            if (second != null && second.matches("w-[0-9a-f]+")) {
                return second;
            }
            return first != null && first.matches("w-[0-9a-f]+") ? first : null;
        }

        /** The second bracket field of an Active entry: the worktree path, or null for {@code None}. */
        public String path() {
            return second == null || "None".equals(second) || second.matches("w-[0-9a-f]+") ? null : second;
        }

        /** The commit of a Completed entry ({@code [✅ ce870fd, w-b5662c]}), if written. */
        public String commit() {
            return first != null && !first.matches("w-[0-9a-f]+") && !"unknown".equals(first) ? first : null;
        }

        public boolean blockedIcon() {
            return icon.startsWith("⏰");
        }

        public String detail(String key) {
            return details.get(key);
        }
    }

    /** A line the grammar does not know: worker or human edits, or damage. */
    public record Unparsed(int line, String section, String text) {
    }

    public Entry activeOf(String taskId) {
        return active.stream().filter(e -> e.taskId().equals(taskId)).findFirst().orElse(null);
    }

    public Pending pendingOf(String taskId) {
        return pending.stream().filter(p -> p.taskId().equals(taskId)).findFirst().orElse(null);
    }

    /** Every task id the snapshot names, in any section. */
    public java.util.Set<String> taskIds() {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        pending.forEach(p -> ids.add(p.taskId()));
        for (List<Entry> l : List.of(active, completed, failed, blocked)) {
            l.forEach(e -> ids.add(e.taskId()));
        }
        return ids;
    }
}
