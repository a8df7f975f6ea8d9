package io.taclog.cli;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * JSON output of the commands: maps, lists, arrays, records (component names in snake_case), strings,
 * numbers, booleans and null, indented the way Jackson's default pretty printer does it. Written by hand
 * because a query's JSON answer loaded 522 classes of Jackson's object mapper, a tenth of the command's time.
 */
public final class JsonOut {

    private JsonOut() {
    }

    /** The value as indented JSON text. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        new JsonOut.Writer(sb, true).value(value, 0);
        return sb.toString();
    }

    /** The value as JSON text on one line (JSON Lines). */
    public static String compact(Object value) {
        StringBuilder sb = new StringBuilder(256);
        new JsonOut.Writer(sb, false).value(value, 0);
        return sb.toString();
    }

    /** One document being written. */
    private static final class Writer {
        private final StringBuilder sb;
        private final boolean pretty;

        Writer(StringBuilder sb, boolean pretty) {
            this.sb = sb;
            this.pretty = pretty;
        }

        void value(Object v, int depth) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?>) {
                string(sb, v instanceof Enum<?> e ? e.name() : v.toString());
            } else if (v instanceof Boolean) {
                sb.append(v);
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    string(sb, v.toString());
                } else {
                    sb.append(v);
                }
            } else if (v instanceof Number) {
                sb.append(v);
            } else if (v instanceof Map<?, ?> m) {
                object(m, depth);
            } else if (v instanceof Collection<?> c) {
                array(c.toArray(), depth);
            } else if (v.getClass().isArray()) {
                Object[] items = new Object[Array.getLength(v)];
                for (int i = 0; i < items.length; i++) {
                    items[i] = Array.get(v, i);
                }
                array(items, depth);
            } else if (v instanceof Record r) {
                record(r, depth);
            } else {
                string(sb, v.toString());
            }
        }

        void object(Map<?, ?> m, int depth) {
            if (m.isEmpty()) {
                sb.append(pretty ? "{ }" : "{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                member(String.valueOf(e.getKey()), e.getValue(), depth, first);
                first = false;
            }
            newline(depth);
            sb.append('}');
        }

        void record(Record r, int depth) {
            RecordComponent[] parts = r.getClass().getRecordComponents();
            if (parts.length == 0) {
                sb.append(pretty ? "{ }" : "{}");
                return;
            }
            sb.append('{');
            for (int i = 0; i < parts.length; i++) {
                Object v;
                try {
                    var accessor = parts[i].getAccessor();
                    accessor.setAccessible(true);
                    v = accessor.invoke(r);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + parts[i].getName() + " of " + r.getClass(), e);
                }
                member(snakeCase(parts[i].getName()), v, depth, i == 0);
            }
            newline(depth);
            sb.append('}');
        }

        void member(String key, Object v, int depth, boolean first) {
            if (!first) {
                sb.append(',');
            }
            newline(depth + 1);
            string(sb, key);
            sb.append(pretty ? " : " : ":");
            value(v, depth + 1);
        }

        void array(Object[] items, int depth) {
            if (items.length == 0) {
                sb.append(pretty ? "[ ]" : "[]");
                return;
            }
            sb.append(pretty ? "[ " : "[");
            for (int i = 0; i < items.length; i++) {
                if (i > 0) {
                    sb.append(pretty ? ", " : ",");
                }
                value(items[i], depth);
            }
            sb.append(pretty ? " ]" : "]");
        }

        void newline(int depth) {
            if (!pretty) {
                return;
            }
            sb.append('\n');
            for (int i = 0; i < depth; i++) {
                sb.append("  ");
            }
        }
    }

    /** {@code firstLineHash} -> {@code first_line_hash}, as Jackson's SNAKE_CASE strategy names properties. */
    static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        boolean previousUpper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean upper = Character.isUpperCase(c);
            if (upper && !previousUpper && sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
            sb.append(upper ? Character.toLowerCase(c) : c);
            previousUpper = upper;
        }
        return sb.toString();
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
