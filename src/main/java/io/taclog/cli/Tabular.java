package io.taclog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows with named columns, printed as an aligned table, as JSON (an array of objects with the column
 * names as keys, values keeping their types) or as CSV (RFC 4180 quoting).
 */
public final class Tabular {

    /** JSON output: snake_case property names everywhere (records included), indented, stable. */
    public static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE).build();

    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    public Tabular(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    public Tabular(String... columns) {
        this(List.of(columns));
    }

    public Tabular add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " values, got " + values.length);
        }
        rows.add(java.util.Arrays.asList(values));
        return this;
    }

    public int size() {
        return rows.size();
    }

    public List<Map<String, Object>> asMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                m.put(columns.get(i), r.get(i));
            }
            out.add(m);
        }
        return out;
    }

    public void print(PrintWriter out, Format format) {
        switch (format) {
            case JSON -> printJson(out, asMaps());
            case CSV -> printCsv(out);
            default -> printTable(out);
        }
        out.flush();
    }

    public static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void printCsv(PrintWriter out) {
        out.println(String.join(",", columns.stream().map(Csv::field).toList()));
        for (List<Object> r : rows) {
            out.println(String.join(",", r.stream().map(v -> Csv.field(v == null ? "" : String.valueOf(v))).toList()));
        }
    }

    private void printTable(PrintWriter out) {
        int[] width = new int[columns.size()];
        List<List<String>> text = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).length();
        }
        for (List<Object> r : rows) {
            List<String> t = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                String s = cell(r.get(i));
                t.add(s);
                width[i] = Math.max(width[i], s.length());
            }
            text.add(t);
        }
        out.println(line(columns, width, null));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (int r = 0; r < text.size(); r++) {
            out.println(line(text.get(r), width, rows.get(r)));
        }
    }

    private static String line(List<String> cells, int[] width, List<Object> raw) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            boolean numeric = raw != null && raw.get(i) instanceof Number;
            String c = cells.get(i);
            if (numeric) {
                sb.append(" ".repeat(width[i] - c.length())).append(c);
            } else if (i < cells.size() - 1) {
                sb.append(c).append(" ".repeat(width[i] - c.length()));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Table cells: numbers with grouping, dollars to cents or better, no raw control characters. */
    static String cell(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format("%,.0f", d);
            }
            String s = String.format("%,.4f", d);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format("%,d", ((Number) v).longValue());
        }
        String s = String.valueOf(v);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            sb.append(ch < 0x20 ? ' ' : ch);
        }
        return sb.toString();
    }
}
