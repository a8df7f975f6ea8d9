package io.taclog.camel;

import io.taclog.ingest.IngestMonitor;
import io.taclog.source.FileRegistry;
import io.taclog.source.TailOptions;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code jsonl-tail:<kind>} component: a polling consumer that follows files line by line with
 * durable byte offsets. It needs the file registry and the defaults for every tail option; the
 * sidecar binds a configured instance under the name {@code jsonl-tail}.
 */
public final class TailComponent extends DefaultComponent {

    private final FileRegistry registry;
    private final TailOptions defaults;
    private final IngestMonitor monitor;

    public TailComponent(FileRegistry registry, TailOptions defaults, IngestMonitor monitor) {
        this.registry = registry;
        this.defaults = defaults;
        this.monitor = monitor;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        TailEndpoint endpoint = new TailEndpoint(uri, this, remaining, defaults);
        endpoint.setDelay(200);
        endpoint.setInitialDelay(0);
        endpoint.setBackoffErrorThreshold(1);
        endpoint.setBackoffMultiplier(5);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    FileRegistry registry() {
        return registry;
    }

    IngestMonitor monitor() {
        return monitor;
    }
}
