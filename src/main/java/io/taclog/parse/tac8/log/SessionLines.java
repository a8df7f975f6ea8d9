package io.taclog.parse.tac8.log;

import io.taclog.model.Fact;
import io.taclog.model.coordinator.SessionEnded;
import io.taclog.model.coordinator.SessionStarted;
import io.taclog.model.coordinator.SessionUpdated;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.parse.tac8.CoordinatorConfigs;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.parse.tac8.rules.RuleMatch;
import java.util.List;

/**
 * Sessions of a coordinator.log: the banner (R01-R05) opens one, S01 and R13 end it. A log generation
 * that starts without a banner (block buffering put git output or a traceback first) gets a session at
 * its first line, which the banner then adopts. A second banner without R13 is a restart after a crash.
 */
final class SessionLines {

    private static final String COMPONENT = "coordinator";

    private final CoordinatorConfigs configs;

    SessionLines(CoordinatorConfigs configs) {
        this.configs = configs;
    }

    /** The session this line belongs to, starting or ending sessions as the line implies. */
    String resolve(RuleMatch m, String key, long fileId, long offset, Stamp when, String path, LogState st,
                   List<Fact> out) {
        boolean banner = m != null && "session.start".equals(m.target());
        String current = st.session();
        if (current == null) {
            // first line of a file generation: a truncated log (`>` at a restart) is a new session, so
            // any session still open from the file's previous generation ends at its last line
            return start(key, fileId, offset, when, path, banner, true, st, out);
        }
        if (banner && (st.bannerSeen() || st.ended())) {
            if (!st.ended()) {
                out.add(new SessionEnded(current, when, "error", false, true)); // restarted without shutting down
            }
            return start(key, fileId, offset, when, path, true, false, st, out);
        }
        if (banner) {
            st.bannerSeen(true); // the banner of a session whose first lines came before it
        }
        return current;
    }

    private static String start(String key, long fileId, long offset, Stamp when, String path, boolean banner,
                                boolean closeOthers, LogState st, List<Fact> out) {
        String id = "log-" + fileId + "-" + offset;
        out.add(new SessionStarted(id, when, Sources.LOG, path, key, null, null, null, null, null, null, null,
                closeOthers, false));
        st.session(id);
        st.bannerSeen(banner);
        return id;
    }

    void handle(LineContext lc) {
        RuleMatch m = lc.m;
        switch (m.target()) {
            case "session.start" -> {
                lc.event("startup", COMPONENT, null, null);
                lc.st.openGroup(LogState.BANNER, lc.key);
                lc.keep = LogState.BANNER;
            }
            case "session.config", "session.tasks_file", "session.max_workers", "session.budget" -> banner(lc);
            case "session.blank" -> lc.keep = LogState.BANNER;
            case "session.signal" -> {
                Integer signum = m.integer("signum");
                lc.st.signalled(true);
                lc.add(new SessionUpdated(lc.session, lc.when, null, null, null, "signal"));
                lc.trigger("signal", "signal", JsonObj.of().put("signum", signum).put("name", signalName(signum)),
                        null);
                lc.event("shutdown", COMPONENT, null, null);
            }
            case "session.end" -> {
                lc.st.ended(true);
                lc.add(new SessionEnded(lc.session, lc.when, "normal", false, false));
                lc.event("shutdown", COMPONENT, null, null);
            }
            default -> throw new IllegalStateException("not a session target: " + m.target());
        }
    }

    private void banner(LineContext lc) {
        RuleMatch m = lc.m;
        if (lc.st.group(LogState.BANNER) == null && !"session.budget".equals(m.target())) {
            lc.orphan("banner");
            return;
        }
        lc.keep = LogState.BANNER;
        JsonObj patch = JsonObj.of();
        String configFile = null;
        String sha = null;
        switch (m.target()) {
            case "session.config" -> {
                configFile = m.text("path");
                lc.st.root(RepoPaths.rootFromConfigFile(configFile));
                patch.put("config_file", configFile);
                var snap = configs.forPrintedPath(configFile);
                if (snap.isPresent()) {
                    patch.putAll(snap.get().asConfig().put("config_file", configFile)
                            .put("snapshot_of", snap.get().path()).node());
                    sha = snap.get().sha256();
                }
            }
            case "session.tasks_file" -> {
                patch.put("tasks_file", m.text("path"));
                lc.st.root(RepoPaths.rootFromTasksFile(m.text("path")));
            }
            case "session.max_workers" -> patch.put("max_concurrent_workers", m.integer("count"));
            case "session.budget" -> patch.put("budget_tokens_per_month", m.number("limit"));
            default -> throw new IllegalStateException(m.target());
        }
        lc.add(new SessionUpdated(lc.session, lc.when, patch.json(), configFile, sha, null));
    }

    static String signalName(Integer signum) {
        if (signum == null) {
            return null;
        }
        return switch (signum) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 9 -> "SIGKILL";
            case 15 -> "SIGTERM";
            default -> "signal " + signum;
        };
    }
}
