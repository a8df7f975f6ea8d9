package io.taclog.cli.query;

import io.taclog.cli.Format;
import io.taclog.cli.Tabular;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints query rows (maps) as a table with chosen columns, or whole as JSON/CSV. */
final class MapRows {

    private MapRows() {
    }

    static void print(PrintWriter out, Format format, List<Map<String, Object>> rows, List<String> tableColumns,
                      String emptyMessage) {
        if (format == Format.JSON) {
            Tabular.printJson(out, rows);
            return;
        }
        if (rows.isEmpty() && format == Format.TABLE) {
            out.println(emptyMessage);
            return;
        }
        List<String> cols = format == Format.CSV && !rows.isEmpty() ? List.copyOf(rows.get(0).keySet()) : tableColumns;
        Tabular t = new Tabular(cols);
        for (Map<String, Object> r : rows) {
            Object[] v = new Object[cols.size()];
            for (int i = 0; i < v.length; i++) {
                Object x = r.get(cols.get(i));
                v[i] = format == Format.TABLE ? shorten(x) : x;
            }
            t.add(v);
        }
        t.print(out, format);
    }

    /** Long text (messages, JSON inputs) is cut in tables; JSON and CSV keep it whole. */
    static Object shorten(Object x) {
        if (x instanceof String s) {
            String one = s.replace('\n', ' ').replace('\r', ' ');
            return one.length() > 100 ? one.substring(0, 97) + "..." : one;
        }
        return x;
    }
}
