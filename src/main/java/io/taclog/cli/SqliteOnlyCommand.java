package io.taclog.cli;

import io.taclog.app.Databases;
import io.taclog.sink.dialect.PostgresTarget;

/** Commands that work on a SQLite file only for now refuse a PostgreSQL database up front, with exit code 2. */
final class SqliteOnlyCommand {

    private SqliteOnlyCommand() {
    }

    static void refuse(Object db, String what) {
        if (PostgresTarget.isPostgres(db)) {
            throw new CliException(Main.USAGE, Databases.SqliteOnly.command(what).getMessage());
        }
    }
}
