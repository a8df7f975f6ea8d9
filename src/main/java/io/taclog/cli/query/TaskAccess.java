package io.taclog.cli.query;

import java.sql.Connection;
import java.sql.SQLException;

/** Lets commands outside this package check a task id the same way the query commands do. */
public final class TaskAccess {

    private TaskAccess() {
    }

    public static void require(Connection c, String taskId) throws SQLException {
        TaskCommand.requireTask(c, taskId);
    }
}
