package io.taclog.cli;

import io.taclog.cli.query.WindowOptions;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.enrich.pricing.ModelPrice;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.enrich.pricing.PriceTables;
import io.taclog.enrich.pricing.Rates;
import io.taclog.query.Repricer;
import io.taclog.query.TimeWindow;
import io.taclog.sink.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taclog prices list | show MODEL | reprice --table FILE}. */
@Command(name = "prices", mixinStandardHelpOptions = true,
        description = "The price table, and re-pricing stored calls.",
        subcommands = {PricesCommand.ListPrices.class, PricesCommand.Show.class, PricesCommand.Reprice.class})
public final class PricesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The effective table: bundled, overridden by taclog.prices.file of --config. */
    static PriceTable effective(Path config) {
        TaclogConfig c = TaclogConfig.load(Optional.ofNullable(config), Map.of());
        return PriceTables.load(c.get(ConfigKeys.PRICES_FILE));
    }

    static Tabular table(List<ModelPrice> models) {
        Tabular t = new Tabular("model", "provider", "input", "output", "cache_read", "cache_write_5m",
                "cache_write_1h", "long_context_above", "aliases");
        for (ModelPrice m : models) {
            Rates r = m.rates();
            t.add(m.id(), m.provider(), r.input(), r.output(), r.cacheRead(), r.cacheWrite5m(), r.cacheWrite1h(),
                    m.longContextThreshold(), String.join(" ", m.aliases()));
        }
        return t;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "All models (USD per million tokens).")
    static final class ListPrices implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE") Path config;
        @Option(names = "--format", defaultValue = "table") Format format;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PriceTable t = effective(config);
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.JSON) {
                out.println(PriceTables.toJson(t).toPrettyString());
            } else {
                if (format == Format.TABLE) {
                    out.printf("price table %s (effective %s), USD per million tokens%n", t.version(),
                            t.effectiveDate());
                }
                table(t.models()).print(out, format);
            }
            return Main.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prices of one model (any id form).")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "MODEL") String model;
        @Option(names = "--config", paramLabel = "FILE") Path config;
        @Option(names = "--format", defaultValue = "table") Format format;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PriceTable t = effective(config);
            ModelPrice m = t.lookup(model).orElseThrow(() -> new CliException(Main.FAILURE, "no price for model '"
                    + model + "' in table " + t.version() + "; its calls get a NULL cost (see `taclog prices list`)"));
            table(List.of(m)).print(spec.commandLine().getOut(), format);
            return Main.OK;
        }
    }

    @Command(name = "reprice", mixinStandardHelpOptions = true,
            description = "Price stored calls under another table and show the difference (no re-ingest); "
                    + "--apply writes the new estimates and price version.")
    static final class Reprice implements Callable<Integer> {
        @Mixin DbOption db;
        @Mixin WindowOptions window;
        @Option(names = "--table", paramLabel = "FILE", required = true, description = "Price table JSON.") Path file;
        @Option(names = "--apply", description = "Store the new estimates.") boolean apply;
        @Option(names = "--format", defaultValue = "table") Format format;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PriceTable table;
            try {
                table = PriceTables.bundled().overriddenBy(PriceTables.read(file));
            } catch (IllegalArgumentException e) {
                throw new CliException(Main.USAGE, e.getMessage());
            }
            TimeWindow w = window.window(ZoneId.systemDefault(), Instant.now());
            Repricer r = new Repricer(table);
            List<Repricer.ModelDiff> diffs;
            try (Connection c = ReadOnlyDb.open(db.path())) {
                diffs = r.compare(c, w);
            }
            Tabular t = new Tabular("model", "calls", "old_usd", "new_usd", "diff_usd", "unpriced_before",
                    "unpriced_after", "old_versions", "new_version");
            for (Repricer.ModelDiff d : diffs) {
                t.add(d.model(), d.calls(), d.oldUsd(), d.newUsd(), d.diffUsd(), d.unpricedBefore(), d.unpricedAfter(),
                        d.oldVersions(), d.newVersion());
            }
            PrintWriter out = spec.commandLine().getOut();
            t.print(out, format);
            if (apply) {
                try (Database d = Database.open(db.path(), io.taclog.sink.DatabaseSettings.defaults())) {
                    long n = r.apply(d, w);
                    if (format == Format.TABLE) {
                        out.printf("re-priced %,d calls under %s%n", n, table.version());
                    }
                }
            }
            return Main.OK;
        }
    }
}
