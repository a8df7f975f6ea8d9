package io.taclog.model;

/**
 * A value a parser extracted from one input line, to be stored by the sink.
 *
 * <p>Each concrete fact type has one writer in the sink that knows its SQL; parsers never touch the
 * database.
 */
public interface Fact {
}
