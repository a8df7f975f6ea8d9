package io.taclog.archive;

import java.util.List;

/**
 * A table whose rows go into monthly archives, with its key (the order checksums read rows in) and how a query that
 * includes archives combines its copies (docs/storage.md, "What a month's rows are").
 *
 * @param key the table's primary key columns
 * @param union how {@link ArchiveViews} unites the database's rows with the archives'
 */
public record ArchivedTable(String name, List<String> key, Union union) {

    /** How the rows of the database and of the archives are combined so that each fact counts once. */
    public enum Union {
        /**
         * A fact with its own time (an API call, a message, an event): it is in exactly one place, the database or
         * the archive of its month, so every copy is simply added ({@code UNION ALL}).
         */
        ALL,
        /**
         * A record that facts of several months refer to (a session, a task, a worker, a transcript stream): an
         * archive may hold a copy while the database still holds the row, and two archives may both hold one. The
         * freshest copy wins: the database's, else that of the archive written last.
         */
        FRESHEST_BY_KEY,
        /**
         * Rows that belong to a worker and go wherever its row goes (its per-model usage): taken from the place the
         * worker's freshest row comes from, so that a usage row the database has since replaced is not revived from
         * an older copy.
         */
        WITH_WORKER
    }

    public ArchivedTable {
        key = List.copyOf(key);
    }
}
