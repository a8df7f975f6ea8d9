package io.taclog.sink;
public final class DebugCounts {
    static final java.util.Map<String, long[]> M = new java.util.concurrent.ConcurrentHashMap<>();
    static { if (System.getProperty("taclog.debug.count") != null) Runtime.getRuntime().addShutdownHook(new Thread(DebugCounts::dump)); }
    static void add(String sql, long nanos) { long[] a = M.computeIfAbsent(sql, k -> new long[2]); synchronized (a) { a[0]++; a[1] += nanos; } }
    public static void mark(String what) {
        if (System.getProperty("taclog.debug.count") == null) return;
        long up = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.err.printf("DEBUGMARK %6d ms %s%n", up, what);
    }
    public static void threads() {
        if (System.getProperty("taclog.debug.count") == null) return;
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (long id : mx.getAllThreadIds()) { var ti = mx.getThreadInfo(id); long cpu = mx.getThreadCpuTime(id); if (ti != null && cpu > 50_000_000) System.err.printf("DEBUGTHREAD %-60s %6d ms%n", ti.getThreadName(), cpu / 1_000_000); }
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) System.err.printf("DEBUGGC %s %d %d ms%n", gc.getName(), gc.getCollectionCount(), gc.getCollectionTime());
        var cl = java.lang.management.ManagementFactory.getCompilationMXBean(); System.err.printf("DEBUGJIT %d ms%n", cl.getTotalCompilationTime());
    }
    static void dump() {
        long n = 0, t = 0;
        java.util.List<java.util.Map.Entry<String, long[]>> l = new java.util.ArrayList<>(M.entrySet());
        l.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        for (var e : l) { n += e.getValue()[0]; t += e.getValue()[1]; }
        System.err.printf("DEBUGCOUNT total %d statements %.0f ms%n", n, t / 1e6);
        for (var e : l.subList(0, Math.min(40, l.size()))) System.err.printf("DEBUGCOUNT %8d %8.0f ms  %s%n", e.getValue()[0], e.getValue()[1] / 1e6, e.getKey().replaceAll("\\s+", " ").substring(0, Math.min(150, e.getKey().length())));
    }
}
