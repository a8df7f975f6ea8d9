package io.taclog.camel;

import io.taclog.sink.Outbox;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Route step {@code outboxAcknowledge}: after the endpoint took every message of a poll, the cursor moves past
 * the last one. It runs only when the split before it succeeded, so a failed send is sent again at the next
 * poll, with the messages after it.
 */
public final class OutboxAcknowledgeProcessor implements Processor {

    private final Outbox outbox;

    public OutboxAcknowledgeProcessor(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        List<Outbox.Message> sent = exchange.getMessage().getMandatoryBody(List.class);
        if (!sent.isEmpty()) {
            outbox.acknowledge(sent.get(sent.size() - 1).outboxId());
        }
    }
}
