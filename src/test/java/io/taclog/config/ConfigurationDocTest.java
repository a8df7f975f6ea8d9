package io.taclog.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigurationDocTest {

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"), StandardCharsets.UTF_8);
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            assertTrue(doc.contains("| `" + k.name() + "` |"), "docs/configuration.md lacks " + k.name()
                    + "; regenerate the key tables with ConfigurationDoc");
            String def = k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue().replace("|", "\\|") + "`";
            assertTrue(doc.contains(def), "docs/configuration.md lacks the default of " + k.name());
        }
    }

    @Test
    void everyKeyParsesItsOwnDefault() {
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            k.parse(k.defaultValue());
        }
    }
}
