package io.taclog.camel;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;

/**
 * Makes one route per configured work-queue file from the YAML template {@code coordinator-queue}
 * (routes/coordinator-queue.camel.yaml): camel-file consumes a directory, so each file needs its own
 * endpoint. Route ids: {@code tail-coordinator-queue}, then {@code tail-coordinator-queue-2}, ...
 */
public final class WorkQueueRoutes extends RouteBuilder {

    public static final String TEMPLATE = "coordinator-queue";

    private final List<Path> files;

    public WorkQueueRoutes(List<Path> files) {
        this.files = List.copyOf(files);
    }

    @Override
    public void configure() {
        int n = 0;
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            n++;
            templatedRoute(TEMPLATE)
                    .routeId(n == 1 ? "tail-coordinator-queue" : "tail-coordinator-queue-" + n)
                    .parameter("directory", abs.getParent().toString())
                    .parameter("fileName", abs.getFileName().toString());
        }
    }
}
