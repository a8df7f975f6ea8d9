package io.taclog.sink.dialect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PostgresSqlTest {

    @Test
    void plainParametersPassAsTheyAre() {
        PostgresSql t = PostgresSql.translate("SELECT a FROM t WHERE b = ? AND c = ?");
        assertEquals("SELECT a FROM t WHERE b = ? AND c = ?", t.sql());
        assertFalse(t.renumbered());
        assertNull(t.positions(1));
    }

    @Test
    void aNumberedParameterIsBoundAtEveryPlaceItStands() {
        PostgresSql t = PostgresSql.translate("UPDATE t SET a = ?2, b = COALESCE(?1, b) WHERE k = ?1 AND x = ?");
        assertEquals("UPDATE t SET a = ?, b = COALESCE(?, b) WHERE k = ? AND x = ?", t.sql());
        assertArrayEquals(new int[] {2, 3}, t.positions(1));
        assertArrayEquals(new int[] {1}, t.positions(2));
        assertArrayEquals(new int[] {4}, t.positions(3), "a plain ? is one after the largest number (SQLite's rule)");
    }

    @Test
    void literalsQuotedNamesAndCommentsAreLeftAlone() {
        String sql = "SELECT '?1 json_object(', \"main.x\" FROM t -- ?2 main.t\nWHERE a = 'it''s ?'";
        assertEquals(sql, PostgresSql.translate(sql).sql());
    }

    @Test
    void sqliteFunctionsPostgresCannotNameAreRewritten() {
        assertEquals("SELECT taclog_json_min(json_build_object('a', (1 + 2), 'b', x)) FROM main_t",
                PostgresSql.translate("SELECT json_object('a', (1 + 2), 'b', x) FROM main_t").sql());
        assertEquals("SELECT value FROM taclog_json_each(?) JOIN api_call_hours h",
                PostgresSql.translate("SELECT value FROM json_each(?) JOIN main.api_call_hours h").sql());
        assertEquals("SELECT jsonb_agg(m) FROM t", PostgresSql.translate("SELECT json_group_array(m) FROM t").sql());
        assertEquals("SELECT my_json_object FROM t", PostgresSql.translate("SELECT my_json_object FROM t").sql());
    }

    @Test
    void aPasswordNeverTravelsInTheUrl() {
        assertThrows(PostgresTarget.InvalidTarget.class,
                () -> PostgresTarget.refuseSecretsIn("jdbc:postgresql://h/db?user=u&password=p"));
        assertThrows(PostgresTarget.InvalidTarget.class,
                () -> PostgresTarget.refuseSecretsIn("jdbc:postgresql://u:p@h/db"));
        PostgresTarget.refuseSecretsIn("jdbc:postgresql://h:5432/db?sslmode=require");
        assertEquals("jdbc:postgresql://h:5432/db", PostgresTarget.url(java.nio.file.Path.of("jdbc:postgresql://h:5432/db")),
                "a URL read as a path gets its // back");
    }
}
