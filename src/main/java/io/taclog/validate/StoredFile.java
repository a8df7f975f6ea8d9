package io.taclog.validate;

import io.taclog.source.FileKey;

/** One file generation as the ledger stores it (a row of ingest_files). */
record StoredFile(long fileId, String kind, String path, FileKey key, String firstLineHash, long start,
                  long committed, String marker, int markerLength, String state, String startState) {
}
