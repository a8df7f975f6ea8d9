package io.taclog.parse.tac8.log;

import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.TextLineHandler;
import io.taclog.model.Fact;
import io.taclog.model.TimeSource;
import io.taclog.model.coordinator.Stamp;
import io.taclog.parse.tac8.CoordinatorConfigs;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.rules.LineRules;
import io.taclog.parse.tac8.rules.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * TAC-8's coordinator.log: each line is matched against the line rules and interpreted in the context
 * of its session and of the multi-line groups still open (kept in the per-file state). Lines carry no
 * time: tail mode stamps the time the line was read ('observed'); a backfill stamps the same
 * provisionally and replaces it with an estimate when it finishes ('estimated', docs/coordinator.md).
 */
public final class CoordinatorLogHandler implements TextLineHandler {

    public static final String FORMAT = "tac8-coordinator-log";

    private final Supplier<LineRules> rules;
    private final SessionLines sessions;
    private final TracebackLines tracebacks = new TracebackLines();
    private final LoopLines loop = new LoopLines(tracebacks);
    private final ReaperLines reaper = new ReaperLines();
    private final WorktreeLines worktrees = new WorktreeLines();
    private final SpawnLines spawns = new SpawnLines();
    private final CompletionLines completions = new CompletionLines();

    public CoordinatorLogHandler(LineRules rules, CoordinatorConfigs configs) {
        this(() -> rules, configs);
    }

    /** A handler whose rules are read when its first line arrives. */
    public CoordinatorLogHandler(Supplier<LineRules> rules, CoordinatorConfigs configs) {
        this.rules = rules;
        this.sessions = new SessionLines(configs);
    }

    @Override
    public LineOutcome handle(String line, ParseContext ctx) {
        LogState st = new LogState(ctx.state());
        long fileId = ctx.file().fileId();
        String key = "L" + fileId + ":" + ctx.lineOffset();
        Stamp when = new Stamp(ctx.observedAt(), TimeSource.OBSERVED, ctx.backfill());
        LineRules r = rules.get();
        RuleMatch m = r.match(line, st.tracebackOpen());
        String text = line;
        if (m == null && !line.equals(line.stripTrailing())) {
            text = line.stripTrailing();
            m = r.match(text, st.tracebackOpen());
        }
        List<Fact> out = new ArrayList<>(4);
        String session = sessions.resolve(m, key, fileId, ctx.lineOffset(), when, ctx.path(), st, out);
        LineContext lc = new LineContext(key, session, when, st, m, text, ctx.path(), out);
        if (m == null) {
            tracebacks.unmatched(lc);
        } else {
            dispatch(lc);
        }
        settle(lc);
        if (out.isEmpty()) {
            return LineOutcome.skip("tac8 " + (m == null ? "unmatched" : m.id()) + " (no rows of its own)");
        }
        return LineOutcome.rows(out);
    }

    private void dispatch(LineContext lc) {
        RuleMatch m = lc.m;
        switch (m.rule().family()) {
            case "session" -> sessions.handle(lc);
            case "poll", "label", "retry", "launch", "loop", "github" -> loop.handle(lc);
            case "reaper" -> reaper.handle(lc);
            case "worktree", "git" -> worktrees.handle(lc);
            case "spawn" -> spawns.handle(lc);
            case "completion" -> completions.handle(lc);
            case "traceback" -> tracebacks.handle(lc);
            case "event" -> genericEvent(lc);
            default -> throw new IllegalStateException("rule " + m.id() + ": no interpreter for " + m.target());
        }
    }

    /** A line with no group role (warnings, nohup, Python warnings): one system event. */
    private static void genericEvent(LineContext lc) {
        lc.interleaved = true;
        String type = switch (lc.severity()) {
            case "error", "critical" -> "error";
            case "warning" -> "warning";
            default -> "info";
        };
        lc.event(lc.key, type, lc.severity(), lc.component("coordinator"), lc.message(), lc.details(), null,
                lc.m.text("task"));
    }

    /** What a line ends: the groups it is not part of, an open traceback, the windows for late joins. */
    private static void settle(LineContext lc) {
        LogState st = lc.st;
        if (lc.interleaved) {
            return;
        }
        st.closeGroupsExcept(lc.keep);
        st.closeTraceback();
        boolean isError = lc.m != null && "loop.error".equals(lc.m.target());
        if (!isError) {
            st.pendingError(null);
        }
        st.clearPendingExit();
        String target = lc.m == null ? "" : lc.m.target();
        if (!target.startsWith("label.") && !"github.fetch_failed".equals(target)) {
            st.fetchFailed(false);
        }
    }

    /** Details JSON naming the rule (for tests and documentation). */
    static String ruleOf(RuleMatch m) {
        return JsonObj.of().put("rule", m.id()).json();
    }
}
