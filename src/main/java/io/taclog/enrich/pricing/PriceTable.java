package io.taclog.enrich.pricing;

import io.taclog.model.TokenUsage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A versioned price table and the cost rules: tokens of each class at their own rate, 5-minute and
 * 1-hour cache writes apart, and the long-context tier applied as Anthropic bills it (a request whose
 * prompt exceeds the threshold pays the long rate on all of its tokens, output included).
 */
public final class PriceTable {

    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("(-v\\d+(:\\d+)?|@\\d{8}|@latest)$");
    // Everything up to the last '/' is a router's or provider's path: "vertex_ai/" (an underscore, which
    // [a-z]+/ missed), "bedrock/converse/", "azure/"; then a Bedrock region and vendor prefix.
    private static final Pattern VENDOR_PREFIX = Pattern.compile(
            "^(?:.*/)?(?:(?:us|eu|apac|global)\\.)?(?:anthropic\\.|openai\\.)?");

    private final String version;
    private final String effectiveDate;
    private final Map<String, ModelPrice> byId = new LinkedHashMap<>();
    private final Map<String, ModelPrice> byName = new LinkedHashMap<>();

    public PriceTable(String version, String effectiveDate, Collection<ModelPrice> models) {
        this.version = version;
        this.effectiveDate = effectiveDate;
        for (ModelPrice m : models) {
            byId.put(m.id(), m);
        }
        reindex();
    }

    private void reindex() {
        byName.clear();
        for (ModelPrice m : byId.values()) {
            byName.put(m.id().toLowerCase(Locale.ROOT), m);
            for (String a : m.aliases()) {
                byName.putIfAbsent(a.toLowerCase(Locale.ROOT), m);
            }
        }
    }

    public String version() {
        return version;
    }

    public String effectiveDate() {
        return effectiveDate;
    }

    public List<ModelPrice> models() {
        return new ArrayList<>(byId.values());
    }

    /**
     * Finds the price of a model id as transcripts write it: exact id or alias first, then without
     * vendor prefixes (bedrock/vertex forms), version and date suffixes.
     */
    public Optional<ModelPrice> lookup(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String m = model.trim().toLowerCase(Locale.ROOT);
        ModelPrice p = byName.get(m);
        if (p != null) {
            return Optional.of(p);
        }
        String bare = VERSION_SUFFIX.matcher(VENDOR_PREFIX.matcher(m).replaceFirst("")).replaceFirst("");
        p = byName.get(bare);
        if (p != null) {
            return Optional.of(p);
        }
        String undated = DATE_SUFFIX.matcher(bare).replaceFirst("");
        return Optional.ofNullable(byName.get(undated));
    }

    /** Estimated cost of a call; null cost (not 0) when the model is not in the table. */
    public CostEstimate estimate(String model, TokenUsage u) {
        Optional<ModelPrice> found = lookup(model);
        if (found.isEmpty()) {
            return CostEstimate.unknown(version);
        }
        ModelPrice p = found.get();
        boolean longContext = p.longContextThreshold() != null && p.longContext() != null
                && u.promptTokens() > p.longContextThreshold();
        Rates r = longContext ? p.longContext() : p.rates();
        double cost = u.input() * r.input()
                + u.output() * r.output()
                + u.cacheRead() * orElse(r.cacheRead(), r.input())
                + u.cacheWrite5m() * orElse(r.cacheWrite5m(), r.input())
                + u.cacheWrite1h() * orElse(r.cacheWrite1h(), orElse(r.cacheWrite5m(), r.input()));
        return new CostEstimate(cost / 1_000_000.0, p.id(), version, longContext);
    }

    private static double orElse(Double v, double fallback) {
        return v == null ? fallback : v;
    }

    /** This table with another's rows added or replacing rows of the same id (a user override file). */
    public PriceTable overriddenBy(PriceTable user) {
        Map<String, ModelPrice> merged = new LinkedHashMap<>(byId);
        for (ModelPrice m : user.byId.values()) {
            merged.put(m.id(), m);
        }
        return new PriceTable(version + "+" + user.version, user.effectiveDate, merged.values());
    }
}
