package io.taclog.sink;

import io.taclog.enrich.pairing.BatchToolPairing;
import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.model.Fact;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a fact writer sees while it stores one fact: cached statements on the writer connection, the
 * line and file the fact came from, and a cache that lives only as long as the transaction (so a
 * rolled-back transaction cannot leave stale cached state behind).
 */
public final class WriteContext {

    private final Database db;
    private final Instant now;
    private final Map<Object, Object> txCache = new HashMap<>();
    private final Map<String, SqlAction> beforeCommit = new java.util.LinkedHashMap<>();
    private SourceFile file;
    private SourceLine line;
    private Instant observedAt;
    private Map<Fact, CostEstimate> prices = Map.of();
    private Map<Fact, BatchToolPairing.Pair> pairs = Map.of();

    WriteContext(Database db, Instant now) {
        this.db = db;
        this.now = now;
    }

    void at(SourceFile file, SourceLine line, Instant observedAt) {
        this.file = file;
        this.line = line;
        this.observedAt = observedAt;
    }

    public PreparedStatement statement(String sql) throws SQLException {
        return db.prepare(sql);
    }

    /**
     * Split layout with its conversations file away (or older content still waiting): where new conversation
     * content goes instead of the conversations table; null otherwise (always for a single-file database).
     */
    public ConversationsSpool conversationsSpool() {
        return db.spoolingConversations();
    }

    /** Time of this commit. */
    public Instant now() {
        return now;
    }

    /** The file the current fact came from (null for facts not read from a tailed file). */
    public SourceFile file() {
        return file;
    }

    /** The line the current fact came from (null for facts not read from a tailed file). */
    public SourceLine line() {
        return line;
    }

    public Instant observedAt() {
        return observedAt;
    }

    void prices(Map<Fact, CostEstimate> batchPrices) {
        this.prices = batchPrices == null ? Map.of() : batchPrices;
    }

    void pairs(Map<Fact, BatchToolPairing.Pair> batchPairs) {
        this.pairs = batchPairs == null ? Map.of() : batchPairs;
    }

    /** What the route's pairToolCalls step found for this very tool result in its batch, or null. */
    public BatchToolPairing.Pair pairedInRoute(Fact result) {
        return pairs.get(result);
    }

    /** The estimate the route's priceCalls step made for this very fact, or null (then the writer prices it). */
    public CostEstimate pricedInRoute(Fact fact) {
        return prices.get(fact);
    }

    /** Work to run once just before the transaction commits (e.g. one activity update per worker), by key. */
    public void beforeCommit(String key, SqlAction action) {
        beforeCommit.put(key, action);
    }

    void runBeforeCommit() throws SQLException {
        for (SqlAction a : beforeCommit.values()) {
            a.run();
        }
        beforeCommit.clear();
    }

    /**
     * Runs {@code work} in one write transaction with a context of its own, for facts that are not read
     * from a tailed file (a work-queue snapshot, a periodic check); deferred actions run before commit.
     */
    public static <T> T transaction(Database db, Instant now, ContextWork<T> work) throws SQLException {
        return db.write(c -> {
            WriteContext ctx = new WriteContext(db, now);
            T result = work.run(ctx);
            ctx.runBeforeCommit();
            return result;
        });
    }

    /** Work done with a write context inside one transaction. */
    @FunctionalInterface
    public interface ContextWork<T> {
        T run(WriteContext ctx) throws SQLException;
    }

    /** A deferred database action. */
    @FunctionalInterface
    public interface SqlAction {
        void run() throws SQLException;
    }

    /** Cache scoped to this transaction. */
    public Map<Object, Object> txCache() {
        return txCache;
    }
}
