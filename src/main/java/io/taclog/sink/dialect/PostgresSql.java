package io.taclog.sink.dialect;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQLite SQL text of the writers and queries in the form PostgreSQL's driver takes. Two things only, done once
 * per SQL text (statements are cached), never per execution:
 *
 * <ul>
 *   <li>the three SQLite JSON functions PostgreSQL cannot be given under their own names (a variadic of any type, an
 *   aggregate, a table function) are renamed: {@code json_object} to {@code taclog_json_min(json_build_object(...))} (SQLite's compact text),
 *   {@code json_group_array} to {@code jsonb_agg}, {@code json_each} to {@code taclog_json_each} (schema v1), and SQLite's schema qualifier {@code main.} is
 *   dropped (the tables are in the search path's schema). Every
 *   other SQLite function the shared SQL uses exists in PostgreSQL under its own name with SQLite's meaning (created
 *   by the PostgreSQL migration V001);</li>
 *   <li>SQLite's numbered parameters ({@code ?1}, reused where a value appears twice) in PostgreSQL's driver's form: each
 * occurrence becomes a plain {@code ?}, and {@link #positions} says which plain positions a numbered one fills.</li>
 * </ul>
 * Literals, quoted names and comments are left alone.
 */
public final class PostgresSql {

    private static final java.util.Map<String, String> RENAMED = java.util.Map.of("json_group_array", "jsonb_agg",
            "json_each", "taclog_json_each");
    /** json_object(...) becomes taclog_json_min(json_build_object(...)): SQLite's compact text, keys in order. */
    private static final String JSON_OBJECT = "json_object";

    private final String sql;
    /** positions[n] = the 1-based plain positions of SQLite parameter n (index 0 unused); null: no renumbering. */
    private final int[][] positions;

    private PostgresSql(String sql, int[][] positions) {
        this.sql = sql;
        this.positions = positions;
    }

    public String sql() {
        return sql;
    }

    /** The plain positions of parameter {@code index}, or null when the text used plain {@code ?} only. */
    public int[] positions(int index) {
        if (positions == null) {
            return null;
        }
        return index < positions.length && positions[index] != null ? positions[index] : new int[0];
    }

    public boolean renumbered() {
        return positions != null;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    public static PostgresSql translate(String in) {
        StringBuilder out = new StringBuilder(in.length());
        List<List<Integer>> byNumber = new ArrayList<>();
        int plain = 0;
        int largest = 0;
        int depth = 0;
        java.util.ArrayDeque<Integer> closeTwiceAt = new java.util.ArrayDeque<>();
        boolean numbered = false;
        int n = in.length();
        for (int i = 0; i < n; i++) {
            char c = in.charAt(i);
            if (c == '\'' || c == '"') { // a literal or a quoted name, doubled quotes inside
                int j = i + 1;
                while (j < n && !(in.charAt(j) == c && (j + 1 >= n || in.charAt(j + 1) != c))) {
                    j += in.charAt(j) == c ? 2 : 1;
                }
                out.append(in, i, Math.min(j + 1, n));
                i = j;
            } else if (c == '-' && i + 1 < n && in.charAt(i + 1) == '-') {
                int j = in.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(in, i, j);
                i = j - 1;
            } else if (Character.isLetter(c) && (i == 0 || !isWordChar(in.charAt(i - 1)))) {
                int j = i;
                while (j < n && isWordChar(in.charAt(j))) {
                    j++;
                }
                String word = in.substring(i, j);
                if (word.equalsIgnoreCase("main") && j < n && in.charAt(j) == '.') {
                    i = j; // SQLite's own schema, named where TEMP views of the same names could come first
                    continue;
                }
                boolean call = j < n && in.charAt(j) == '(';
                String lower = word.toLowerCase(java.util.Locale.ROOT);
                if (call && lower.equals(JSON_OBJECT)) {
                    out.append("taclog_json_min(json_build_object");
                    closeTwiceAt.push(depth + 1); // the ')' that closes this call closes the wrapper too
                } else {
                    String renamed = call ? RENAMED.get(lower) : null;
                    out.append(renamed != null ? renamed : word);
                }
                i = j - 1;
            } else if (c == '(') {
                depth++;
                out.append(c);
            } else if (c == ')') {
                out.append(c);
                if (!closeTwiceAt.isEmpty() && closeTwiceAt.peek() == depth) {
                    closeTwiceAt.pop();
                    out.append(')');
                }
                depth--;
            } else if (c == '?') {
                int j = i + 1;
                while (j < n && Character.isDigit(in.charAt(j))) {
                    j++;
                }
                plain++;
                out.append('?');
                int number; // SQLite numbers a plain ? one after the largest number so far
                if (j > i + 1) {
                    numbered = true;
                    number = Integer.parseInt(in.substring(i + 1, j));
                    i = j - 1;
                } else {
                    number = largest + 1;
                }
                largest = Math.max(largest, number);
                while (byNumber.size() <= number) {
                    byNumber.add(new ArrayList<>());
                }
                byNumber.get(number).add(plain);
            } else {
                out.append(c);
            }
        }
        if (!numbered) {
            return new PostgresSql(out.toString(), null);
        }
        int[][] pos = new int[byNumber.size()][];
        for (int k = 0; k < pos.length; k++) {
            pos[k] = byNumber.get(k).stream().mapToInt(Integer::intValue).toArray();
        }
        return new PostgresSql(out.toString(), pos);
    }
}
