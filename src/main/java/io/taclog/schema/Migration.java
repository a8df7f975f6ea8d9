package io.taclog.schema;

/** One numbered, forward-only schema change, read from {@code db/migration/V<nnn>__<description>.sql}. */
public record Migration(int version, String description, String resource) {
}
