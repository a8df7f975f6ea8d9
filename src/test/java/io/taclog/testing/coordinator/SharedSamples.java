package io.taclog.testing.coordinator;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real samples in ../shared/research/samples (never copied into the project). Missing samples fail
 * the test under CI=true and skip it, with a printed notice, otherwise.
 */
public final class SharedSamples {

    private SharedSamples() {
    }

    /** A directory or file under the shared samples root ({@code TACLOG_SHARED_SAMPLES}). */
    public static Path require(String relative) {
        String root = System.getenv("TACLOG_SHARED_SAMPLES");
        Path p = root == null ? null : Path.of(root).resolve(relative);
        if (p != null && Files.exists(p)) {
            return p;
        }
        String what = "shared samples not found: " + (p == null ? "TACLOG_SHARED_SAMPLES is not set" : p);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(what + " (CI=true: the real samples are required)");
        }
        System.out.println("NOTICE: skipping, " + what);
        Assumptions.assumeTrue(false, what);
        return null;
    }
}
