package io.taclog.cli;

/** Output formats of the commands that print data. */
public enum Format {
    TABLE, JSON, CSV
}
