package io.taclog.camel;

import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;

/** A started sidecar for tests; closing it stops Camel and then closes the database, as `taclog run` does. */
final class RunningSidecar implements AutoCloseable {

    final IngestRuntime runtime;
    final CamelSidecar sidecar;

    private RunningSidecar(IngestRuntime runtime, CamelSidecar sidecar) {
        this.runtime = runtime;
        this.sidecar = sidecar;
    }

    static RunningSidecar start(TaclogConfig config) throws Exception {
        IngestRuntime runtime = IngestRuntime.open(config, false);
        CamelSidecar sidecar = new CamelSidecar(runtime);
        sidecar.start();
        return new RunningSidecar(runtime, sidecar);
    }

    @Override
    public void close() {
        try {
            sidecar.stop();
        } finally {
            runtime.close();
        }
    }
}
