package io.taclog.sink;

import java.sql.SQLException;

/**
 * A write that must wait for the split layout's conversations file: the file is away and the work reads or changes
 * rows kept in it, or the spool that holds new conversation rows meanwhile is full. The transaction rolls back and
 * its batch is read again later, like a busy database, but without holding the writer: other sources go on. Never
 * turned into a quarantined line.
 */
public final class ConversationsPending extends SQLException {

    public ConversationsPending(String message) {
        super(message);
    }

    public ConversationsPending(String message, Throwable cause) {
        super(message, cause);
    }
}
