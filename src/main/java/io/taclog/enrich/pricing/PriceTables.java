package io.taclog.enrich.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes price tables in taclog's JSON format (the bundled table and user override files). */
public final class PriceTables {

    /** Classpath resource of the bundled table. */
    public static final String BUNDLED = "prices/taclog-prices.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PriceTables() {
    }

    public static PriceTable bundled() {
        try (InputStream in = PriceTables.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled price table missing: " + BUNDLED);
            }
            return parse(JSON.readTree(in), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled price table", e);
        }
    }

    /** The bundled table, overridden by a user file when given. */
    public static PriceTable load(Optional<Path> userFile) {
        PriceTable t = bundled();
        return userFile.map(f -> t.overriddenBy(read(f))).orElse(t);
    }

    public static PriceTable read(Path file) {
        try {
            return parse(JSON.readTree(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("price table " + file + ": " + e.getMessage(), e);
        }
    }

    static PriceTable parse(JsonNode root, String where) {
        String version = text(root, "version", where);
        String effective = root.path("effective_date").asText("");
        JsonNode models = root.path("models");
        if (!models.isArray()) {
            throw new IllegalArgumentException(where + ": 'models' must be an array");
        }
        List<ModelPrice> out = new ArrayList<>();
        for (JsonNode m : models) {
            String id = text(m, "id", where);
            List<String> aliases = new ArrayList<>();
            m.path("aliases").forEach(a -> aliases.add(a.asText()));
            JsonNode lc = m.path("long_context");
            out.add(new ModelPrice(id, m.path("provider").asText(null), aliases, rates(m, where + " " + id),
                    lc.isObject() ? lc.path("threshold").asLong() : null,
                    lc.isObject() ? rates(lc, where + " " + id + " long_context") : null));
        }
        return new PriceTable(version, effective, out);
    }

    private static Rates rates(JsonNode n, String where) {
        if (!n.path("input").isNumber() || !n.path("output").isNumber()) {
            throw new IllegalArgumentException(where + ": input and output rates are required numbers");
        }
        return new Rates(n.path("input").asDouble(), n.path("output").asDouble(), optional(n, "cache_read"),
                optional(n, "cache_write_5m"), optional(n, "cache_write_1h"));
    }

    private static Double optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asDouble();
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required");
        }
        return v.asText();
    }

    /** The table in the same JSON format (for `taclog prices list --format json` and as an override template). */
    public static ObjectNode toJson(PriceTable t) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", t.version());
        root.put("effective_date", t.effectiveDate());
        root.put("currency", "USD");
        root.put("unit", "per million tokens");
        ArrayNode models = root.putArray("models");
        for (ModelPrice m : t.models()) {
            ObjectNode o = models.addObject();
            o.put("id", m.id());
            o.put("provider", m.provider());
            ArrayNode a = o.putArray("aliases");
            m.aliases().forEach(a::add);
            putRates(o, m.rates());
            if (m.longContext() != null) {
                ObjectNode lc = o.putObject("long_context");
                lc.put("threshold", m.longContextThreshold());
                putRates(lc, m.longContext());
            }
        }
        return root;
    }

    private static void putRates(ObjectNode o, Rates r) {
        o.put("input", r.input());
        o.put("output", r.output());
        o.put("cache_read", r.cacheRead());
        o.put("cache_write_5m", r.cacheWrite5m());
        o.put("cache_write_1h", r.cacheWrite1h());
    }
}
