package io.taclog.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a migration script is cut into statements. */
class MigratorTest {

    @Test
    void statementsEndAtASemicolonEndingALineAndCommentsGo() {
        assertEquals(List.of("CREATE TABLE t (\na TEXT\n);", "INSERT INTO t VALUES ('a;--b');"),
                Migrator.statements("-- a comment\nCREATE TABLE t (\na TEXT\n);\n\nINSERT INTO t VALUES ('a;--b');\n"));
    }

    @Test
    void aTriggerEndsAtItsEndNotAtTheFirstStatementOfItsBody() {
        String trigger = "CREATE TRIGGER t_insert AFTER INSERT ON t\nBEGIN\n    INSERT INTO u VALUES (NEW.a);\n"
                + "    DELETE FROM u WHERE a IS NULL;\nEND;";
        assertEquals(List.of(trigger, "CREATE INDEX i ON t(a);"),
                Migrator.statements(trigger + "\n-- next\nCREATE INDEX i ON t(a);\n"));
    }
}
