package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table cells read the same as the locale-free String.format forms they replaced. */
class TabularTest {

    /** What the cells were before they were formatted by hand. */
    private static String reference(Object v) {
        if (v instanceof Double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                String s = String.format(java.util.Locale.ROOT, "%,.0f", d);
                return s.equals("-0") ? "0" : s;
            }
            String s = String.format(java.util.Locale.ROOT, "%,.4f", d).replaceAll("0+$", "");
            s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
            return s.equals("-0") ? "0" : s; // a tiny negative amount now reads 0, not -0
        }
        return String.format(java.util.Locale.ROOT, "%,d", ((Number) v).longValue());
    }

    @Test
    void numbersMatchTheFormatterTheyReplaced() {
        Random r = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            long n = r.nextLong() >> r.nextInt(63);
            assertEquals(reference(n), Tabular.cell(n), String.valueOf(n));
            double d = (r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(12) - 4);
            assertEquals(reference(d), Tabular.cell(d), String.valueOf(d));
        }
        for (double d : new double[] {0.0, -0.0, 0.00004, -0.00004, 0.00005, 0.99995, -1.00005, 416.434805600034,
            1e14, 123456789.12345}) {
            assertEquals(reference(d), Tabular.cell(d), String.valueOf(d));
        }
        assertEquals("-", Tabular.cell(null));
        assertEquals("a b", Tabular.cell("a\nb"));
    }
}
