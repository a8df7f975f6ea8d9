package io.taclog.camel;

import io.taclog.sink.Outbox;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Route step {@code outboxMessage}: one outbox row becomes the message an endpoint receives: the fact as JSON
 * in the body, and headers a receiver routes and deduplicates on.
 */
public final class OutboxMessageProcessor implements Processor {

    /** The outbox row's id: increasing in commit order, the same when a message is sent again. */
    public static final String ID = "TaclogOutboxId";
    /** {@code api_call}, {@code worker_status} or {@code alert}. */
    public static final String KIND = "TaclogKind";
    /** The id of the fact's own row (call_id, worker_id, event_id). */
    public static final String ROW_ID = "TaclogRowId";

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        Outbox.Message o = m.getMandatoryBody(Outbox.Message.class);
        m.setHeader(ID, o.outboxId());
        m.setHeader(KIND, o.kind());
        m.setHeader(ROW_ID, o.rowId());
        m.setBody(o.payload());
    }
}
