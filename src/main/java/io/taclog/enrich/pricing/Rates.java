package io.taclog.enrich.pricing;

/**
 * USD per million tokens for each kind of token. A null cache rate means the provider has no such
 * token class (OpenAI has no cache writes); tokens of that class are then billed at the input rate.
 */
public record Rates(double input, double output, Double cacheRead, Double cacheWrite5m, Double cacheWrite1h) {
}
