package io.taclog.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads and initialises Camel's classes ahead of the real start (run by {@code io.taclog.cli.IngestWarmUp} on
 * the second core): the context's plugins, the YAML loader and the reifiers of the steps our routes use. The
 * warm-up context is never started: it runs no thread, binds no port and is discarded.
 */
public final class CamelWarmUp {

    /** A route with the kinds of steps taclog's routes use, so that their loaders and reifiers are warmed too. */
    private static final String ROUTE = """
            - routeConfiguration:
                id: warm-up-configuration
                onException:
                  - onException:
                      exception:
                        - java.lang.Exception
                      handled:
                        constant: "true"
                      steps:
                        - log:
                            message: "${exception.message}"
            - route:
                id: warm-up
                routeConfigurationId: warm-up-configuration
                from:
                  uri: "timer:warm-up"
                  parameters:
                    period: 1000
                  steps:
                    - choice:
                        when:
                          - simple: "${body} != null"
                            steps:
                              - to:
                                  uri: "seda:warm-up"
                                  parameters:
                                    size: 2
                                    blockWhenFull: true
                    - bean:
                        ref: warmUpBean
                        method: toString
            """;

    private CamelWarmUp() {
    }

    /**
     * The warm-up on the calling thread (the build's class-data-sharing training records its classes). True when
     * the warm-up route loaded: a false one means a later Camel made it stale, which the tests catch.
     */
    public static boolean warmUpNow() {
        try (CamelContext context = new DefaultCamelContext(false)) {
            context.getRegistry().bind("warmUpBean", new Object());
            context.build();
            Resource resource = ResourceHelper.fromString("warm-up.camel.yaml", ROUTE);
            PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            context.resolveLanguage("simple").createPredicate("${body.size()} > 0");
            return ((org.apache.camel.model.ModelCamelContext) context).getRouteDefinitions().size() == 1;
        } catch (Exception | LinkageError e) {
            return false; // nothing depends on the warm-up: the real start reports whatever is wrong
        }
    }
}
