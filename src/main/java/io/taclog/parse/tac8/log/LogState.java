package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The per-file parser state of a coordinator.log generation: the current session and the multi-line
 * groups still open. It is committed with the file's offset, so a group survives batch boundaries and
 * restarts, and rolls back with the offset after a crash.
 */
final class LogState {

    static final String WORKTREE = "wt";
    static final String SPAWN = "sp";
    static final String COMPLETION = "cc";
    static final String LABELS = "lc";
    static final String BANNER = "bn";
    private static final int MAX_ORPHANS = 16;

    private final ObjectNode s;

    LogState(ObjectNode state) {
        this.s = state;
    }

    String session() {
        return s.path("sid").asText(null);
    }

    void session(String id) {
        s.put("sid", id);
        s.remove("r01");
        s.remove("ended");
        s.remove("signal");
    }

    boolean bannerSeen() {
        return s.path("r01").asBoolean(false);
    }

    void bannerSeen(boolean v) {
        s.put("r01", v);
    }

    boolean ended() {
        return s.path("ended").asBoolean(false);
    }

    void ended(boolean v) {
        s.put("ended", v);
    }

    boolean signalled() {
        return s.path("signal").asBoolean(false);
    }

    void signalled(boolean v) {
        s.put("signal", v);
    }

    String root() {
        return s.path("root").asText(null);
    }

    void root(String r) {
        if (r != null) {
            s.put("root", r);
        }
    }

    // --- groups ---------------------------------------------------------------------------------

    ObjectNode group(String name) {
        JsonNode g = s.get(name);
        return g instanceof ObjectNode o ? o : null;
    }

    ObjectNode openGroup(String name, String key) {
        ObjectNode g = s.putObject(name);
        g.put("key", key);
        return g;
    }

    void closeGroup(String name) {
        s.remove(name);
    }

    /** Closes every group except {@code keep} (null: close all). */
    void closeGroupsExcept(String keep) {
        for (String g : new String[] {WORKTREE, SPAWN, COMPLETION, LABELS, BANNER}) {
            if (!g.equals(keep)) {
                s.remove(g);
            }
        }
    }

    // --- tracebacks -----------------------------------------------------------------------------

    ObjectNode traceback() {
        JsonNode t = s.get("tb");
        return t instanceof ObjectNode o ? o : null;
    }

    boolean tracebackOpen() {
        return s.has("tb");
    }

    ObjectNode openTraceback(String eventKey, boolean orphan) {
        ObjectNode t = s.putObject("tb");
        t.put("key", eventKey);
        t.put("orphan", orphan);
        return t;
    }

    void closeTraceback() {
        s.remove("tb");
    }

    /** Tracebacks written before their error line (stderr is not buffered, stdout is), oldest first. */
    ArrayNode orphans() {
        JsonNode o = s.get("orphans");
        return o instanceof ArrayNode a ? a : s.putArray("orphans");
    }

    void addOrphan(String key) {
        ArrayNode a = orphans();
        ObjectNode o = a.addObject();
        o.put("key", key);
        while (a.size() > MAX_ORPHANS) {
            a.remove(0); // a traceback that waited this long has no error line coming: it stays on its own
        }
    }

    void orphanException(String key, String exception) {
        for (JsonNode o : orphans()) {
            if (key.equals(o.path("key").asText())) {
                ((ObjectNode) o).put("exc", exception);
            }
        }
    }

    /** Removes and returns the orphan whose exception message equals {@code message}, else the oldest. */
    String takeOrphan(String message) {
        ArrayNode a = orphans();
        if (a.isEmpty()) {
            return null;
        }
        int pick = 0;
        for (int i = 0; i < a.size(); i++) {
            String exc = a.get(i).path("exc").asText("");
            int colon = exc.indexOf(": ");
            String msg = colon < 0 ? "" : exc.substring(colon + 2);
            if (message != null && message.equals(msg)) {
                pick = i;
                break;
            }
        }
        String key = a.get(pick).path("key").asText();
        a.remove(pick);
        if (a.isEmpty()) {
            s.remove("orphans");
        }
        return key;
    }

    /** The last "Error in main loop" still waiting for a traceback printed after it. */
    String pendingError() {
        return s.path("pendErr").asText(null);
    }

    void pendingError(String key) {
        if (key == null) {
            s.remove("pendErr");
        } else {
            s.put("pendErr", key);
        }
    }

    // --- reaper exit codes waiting for the operation they belong to ------------------------------

    ObjectNode pendingExit() {
        JsonNode e = s.get("exit");
        return e instanceof ObjectNode o ? o : null;
    }

    void pendingExit(String key, int pid, int code) {
        ObjectNode e = s.putObject("exit");
        e.put("key", key);
        e.put("pid", pid);
        e.put("code", code);
    }

    void clearPendingExit() {
        s.remove("exit");
    }

    // --- retry attempts and the failed-fetch window ------------------------------------------------

    int attempt(String task) {
        return s.path("att").path(task).asInt(0);
    }

    void attempt(String task, int n) {
        JsonNode a = s.get("att");
        ObjectNode att = a instanceof ObjectNode o ? o : s.putObject("att");
        att.put(task, n);
        if (att.size() > 256) {
            att.remove(att.fieldNames().next());
        }
    }

    boolean fetchFailed() {
        return s.path("fetchFailed").asBoolean(false);
    }

    void fetchFailed(boolean v) {
        if (v) {
            s.put("fetchFailed", true);
        } else {
            s.remove("fetchFailed");
        }
    }
}
