package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CamelWarmUpTest {

    @Test
    void loadsItsRouteAndLeavesNoThreadBehind() {
        Set<String> before = threadNames();
        assertTrue(CamelWarmUp.warmUpNow(), "the warm-up route no longer loads with this Camel");
        Set<String> after = threadNames();
        after.removeAll(before);
        assertEquals(Set.of(), after.stream().filter(n -> n.startsWith("Camel")).collect(Collectors.toSet()));
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
