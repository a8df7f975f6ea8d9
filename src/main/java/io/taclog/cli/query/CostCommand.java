package io.taclog.cli.query;

import io.taclog.cli.CliException;
import io.taclog.cli.Format;
import io.taclog.cli.Main;
import io.taclog.cli.Tabular;
import io.taclog.model.Times;
import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.CostRow;
import io.taclog.query.TimeWindow;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog query cost}: spend over a window, grouped, with the basis of every figure. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Cost and tokens over a window. cost_usd is the agent-reported cost where the transcript "
                + "has one (prorated over its calls), else the price-table estimate; `basis` says which.")
public final class CostCommand implements Callable<Integer> {

    @Mixin
    QueryOptions options;

    @Mixin
    WindowOptions window;

    @Option(names = "--by", defaultValue = "none",
            description = "none, day, week, month, model, task, worker, session; host (PostgreSQL: the sidecar "
                    + "host id of the files the calls came from).")
    CostGrouping by;

    @Option(names = "--host", paramLabel = "ID", description = "Only the calls read by this host's sidecar "
            + "(taclog.host-id; PostgreSQL, where many hosts share one database).")
    String host;

    @Option(names = "--breakdown", description = "Split every group by model.")
    boolean breakdown;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        TimeWindow w = window.window(options.zone(), now);
        List<CostRow> rows;
        try (Connection c = options.open(spec.commandLine().getErr())) {
            if ((host != null || by == CostGrouping.HOST) && !CostQuery.hasHosts(c)) {
                throw new CliException(Main.USAGE, (host != null ? "--host" : "--by host") + ": "
                        + CostQuery.NO_HOSTS);
            }
            CostQuery q = host == null ? new CostQuery(c, options.zone())
                    : new CostQuery(c, options.zone()).ofHost(host);
            rows = options.timed(spec.commandLine().getErr(), () -> q.run(w, by, breakdown));
        }
        print(spec.commandLine().getOut(), w, rows);
        return Main.OK;
    }

    private void print(PrintWriter out, TimeWindow w, List<CostRow> rows) {
        CostRow total = CostRow.total(rows);
        if (options.format() == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            Map<String, Object> win = new LinkedHashMap<>();
            win.put("from", w.from() == null ? null : Times.format(w.from()));
            win.put("until", w.until() == null ? null : Times.format(w.until()));
            win.put("zone", options.zone().getId());
            doc.put("window", win);
            doc.put("group_by", by.name().toLowerCase());
            doc.put("breakdown", breakdown);
            if (host != null) {
                doc.put("host", host);
            }
            doc.put("rows", rows);
            doc.put("total", total);
            Tabular.printJson(out, doc);
            return;
        }
        boolean withModel = breakdown || by == CostGrouping.MODEL;
        List<String> cols = new ArrayList<>(List.of(by == CostGrouping.NONE ? "scope" : by.name().toLowerCase()));
        if (withModel && by != CostGrouping.MODEL) {
            cols.add("model");
        }
        cols.addAll(List.of("calls", "input", "output", "cache_read", "cache_write", "estimated_usd", "cost_usd",
                "basis", "unpriced_calls"));
        Tabular t = new Tabular(cols);
        for (CostRow r : rows) {
            t.add(values(r, withModel && by != CostGrouping.MODEL));
        }
        if (options.format() == Format.TABLE && rows.size() > 1) {
            t.add(values(new CostRow("TOTAL", "", total.calls(), total.tokensInput(), total.tokensOutput(),
                    total.tokensCacheRead(), total.tokensCacheWrite(), total.estimatedUsd(), total.reportedUsd(),
                    total.costUsd(), total.basis(), total.unpricedCalls()), withModel && by != CostGrouping.MODEL));
        }
        t.print(out, options.format());
        if (options.format() == Format.TABLE && total.unpricedCalls() > 0) {
            out.printf("%d call(s) have no price (unknown model): not counted as $0; see `taclog prices`.%n",
                    total.unpricedCalls());
        }
    }

    private static Object[] values(CostRow r, boolean withModel) {
        List<Object> v = new ArrayList<>();
        v.add(r.key());
        if (withModel) {
            v.add(r.model());
        }
        v.addAll(List.of(r.calls(), r.tokensInput(), r.tokensOutput(), r.tokensCacheRead(), r.tokensCacheWrite(),
                Math.round(r.estimatedUsd() * 1e6) / 1e6, Math.round(r.costUsd() * 1e6) / 1e6, r.basis(),
                r.unpricedCalls()));
        return v.toArray();
    }
}
