package io.taclog.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.maintenance.Tables;
import io.taclog.schema.Migrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every table of the schema is placed: archived by month, or staying whole. A new table must be placed too. */
class ArchivedTablesTest {

    @Test
    void everyTableOfTheSchemaIsArchivedOrStays() throws Exception {
        Set<String> tables = new TreeSet<>();
        Set<String> views = new TreeSet<>();
        Set<String> virtual = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.setAutoCommit(false);
            Migrator.createSchema(c);
            c.commit();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT type, name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master "
                         + "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")) {
                while (rs.next()) {
                    (rs.getString(1).equals("table") ? tables : views).add(rs.getString(2));
                    if (rs.getBoolean(3)) {
                        virtual.add(rs.getString(2));
                    }
                }
            }
        }
        List<String> placed = new ArrayList<>(ArchivedTables.STAYING);
        ArchivedTables.ALL.forEach(t -> placed.add(t.name()));
        assertEquals(tables, new TreeSet<>(placed), "archived + staying = every table, each once");
        assertEquals(placed.size(), new TreeSet<>(placed).size(), "no table in both lists");
        List<String> placedViews = new ArrayList<>(ArchivedTables.VIEWS);
        placedViews.addAll(ArchivedTables.STAYING_VIEWS);
        assertEquals(views, new TreeSet<>(placedViews), "every view read through archives or staying");
        Set<String> real = new TreeSet<>(tables);
        real.removeAll(virtual);
        assertTrue(Tables.MAIN.containsAll(real), "backup and doctor count every table too (not virtual ones)");
    }

    @Test
    void theKeyOfEveryArchivedTableIsItsPrimaryKey() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.setAutoCommit(false);
            Migrator.createSchema(c);
            c.commit();
            for (ArchivedTable t : ArchivedTables.ALL) {
                List<String> pk = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('" + t.name() + "') "
                             + "WHERE pk > 0 ORDER BY pk")) {
                    while (rs.next()) {
                        pk.add(rs.getString(1));
                    }
                }
                assertEquals(pk, t.key(), t.name() + ": checksums read rows in key order, one row per key");
            }
        }
    }
}
