package io.taclog.sink;

import java.sql.SQLException;

/**
 * A conversations file that cannot be this database's (another database's, an older copy, not SQLite): bad
 * input, refused before anything is written (the commands exit 2).
 */
public class ConversationsFileRefused extends SQLException {

    public ConversationsFileRefused(String message) {
        super(message);
    }
}
