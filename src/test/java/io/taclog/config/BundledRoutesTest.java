package io.taclog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BundledRoutesTest {

    @Test
    void theIndexNamesExactlyTheRouteFilesOfTheRoutesFolder() throws IOException {
        List<String> onDisk;
        try (Stream<Path> s = Files.list(Path.of("routes"))) {
            onDisk = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")).sorted().toList();
        }
        assertEquals(onDisk, BundledRoutes.names().stream().sorted().toList(),
                "routes/bundled-routes.txt must list every route file (and no other)");
    }

    @Test
    void theDefaultRoutesKeyBecomesAListOfNamedFiles() {
        String pattern = TaclogConfig.defaults().camelProperties().getProperty("camel.main.routes-include-pattern");
        assertEquals(BundledRoutes.names().size(), pattern.split(",").length, pattern);
        assertEquals(false, pattern.contains("*"), pattern);
    }
}
