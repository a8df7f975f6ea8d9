package io.taclog.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IngestWarmUpTest {

    @Test
    void parsesItsLineAndLoadsItsRoute() {
        assertTrue(IngestWarmUp.run(), "the warm-up no longer exercises what it should (its line or its route)");
    }
}
