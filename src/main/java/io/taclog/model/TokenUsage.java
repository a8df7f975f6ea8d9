package io.taclog.model;

/**
 * Tokens of one API call, in Anthropic's disjoint sense: {@code input} excludes cache reads and cache
 * writes (Codex's cached tokens, which OpenAI counts inside input, are moved to {@code cacheRead} by
 * its parser).
 */
public record TokenUsage(long input, long output, long cacheRead, long cacheWrite5m, long cacheWrite1h) {

    /** More than any call or session reads (a trillion tokens): a larger or negative count is damage. */
    public static final long MAX_TOKENS = 1_000_000_000_000L;

    /** Refuses negative and absurd counts: a damaged line is quarantined rather than stored as a cost. */
    public TokenUsage {
        if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite5m < 0 || cacheWrite1h < 0
                || input > MAX_TOKENS || output > MAX_TOKENS || cacheRead > MAX_TOKENS || cacheWrite5m > MAX_TOKENS
                || cacheWrite1h > MAX_TOKENS) {
            throw new IllegalArgumentException("token counts out of range: input " + input + ", output " + output
                    + ", cache read " + cacheRead + ", cache write " + cacheWrite5m + "/" + cacheWrite1h);
        }
    }

    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

    public long cacheWrite() {
        return cacheWrite5m + cacheWrite1h;
    }

    /** Everything the model read: the figure long-context pricing is decided on. */
    public long promptTokens() {
        return input + cacheRead + cacheWrite();
    }

    public long total() {
        return promptTokens() + output;
    }

    public boolean isZero() {
        return total() == 0;
    }

    public TokenUsage minus(TokenUsage o) {
        return new TokenUsage(input - o.input, output - o.output, cacheRead - o.cacheRead,
                cacheWrite5m - o.cacheWrite5m, cacheWrite1h - o.cacheWrite1h);
    }

    public TokenUsage plus(TokenUsage o) {
        return new TokenUsage(input + o.input, output + o.output, cacheRead + o.cacheRead,
                cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h);
    }

    /** True when no counter is below the other's (a cumulative total that only grew). */
    public boolean dominates(TokenUsage o) {
        return input >= o.input && output >= o.output && cacheRead >= o.cacheRead && cacheWrite5m >= o.cacheWrite5m
                && cacheWrite1h >= o.cacheWrite1h;
    }
}
