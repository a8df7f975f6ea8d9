package io.taclog.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows with named columns, printed as an aligned table, as JSON (an array of objects with the column
 * names as keys, values keeping their types) or as CSV (RFC 4180 quoting).
 */
public final class Tabular {

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

    /** JSON output: snake_case property names everywhere (records included), indented, stable. */
    public static void printJson(PrintWriter out, Object value) {
        out.println(JsonOut.write(value));
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

    /**
     * Table cells: numbers with grouping, dollars to cents or better, no raw control characters. Formatted by
     * hand: {@code String.format} cost a 6,000-row table most of a second in a freshly started JVM.
     */
    static String cell(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return d.toString();
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return grouped(Math.round(d));
            }
            BigDecimal four = BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP);
            long whole = four.longValue();
            String frac = four.subtract(BigDecimal.valueOf(whole)).abs().movePointRight(4).toBigInteger().toString();
            frac = "0000".substring(frac.length()) + frac;
            int end = frac.length();
            while (end > 0 && frac.charAt(end - 1) == '0') {
                end--;
            }
            String sign = four.signum() < 0 && whole == 0 ? "-" : "";
            return sign + grouped(whole) + (end == 0 ? "" : "." + frac.substring(0, end));
        }
        if (v instanceof Long || v instanceof Integer) {
            return grouped(((Number) v).longValue());
        }
        String s = String.valueOf(v);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            sb.append(ch < 0x20 ? ' ' : ch);
        }
        return sb.toString();
    }

    /** {@code 1234567} as {@code 1,234,567}. */
    static String grouped(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder sb = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        if (n < 0) {
            sb.append('-');
        }
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        sb.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) {
            sb.append(',').append(digits, i, i + 3);
        }
        return sb.toString();
    }
}
