package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ToolsQueryTest {

    @Test
    void nearestRankCountsInIntegers() {
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertEquals(10.0, ToolsQuery.percentile(twenty, 50));
        assertEquals(19.0, ToolsQuery.percentile(twenty, 95));
        assertEquals(1.0, ToolsQuery.percentile(new double[] {1}, 95));
        assertEquals(2.0, ToolsQuery.percentile(new double[] {1, 2}, 95), "rank ceil(1.9) = 2");
        assertEquals(1.0, ToolsQuery.percentile(new double[] {1, 2}, 50), "rank ceil(1.0) = 1");
        assertNull(ToolsQuery.percentile(new double[0], 50));
    }

    @Test
    void readsAndSortsTheConcatenatedLatencies() {
        assertArrayEquals(new double[] {0.5, 3.0, 1.0e15}, ToolsQuery.latencies("3.0,1.0e+15,0.5"));
        assertArrayEquals(new double[0], ToolsQuery.latencies(null));
    }
}
