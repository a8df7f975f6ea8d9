-- Schema v14: the raw JSONL archive (docs/storage.md, "Raw JSONL archive"). `taclog archive-raw`, and the sidecar
-- with taclog.raw-archive.enabled, copy the committed bytes of every tailed file into compressed segment files
-- (<dir>/raw/YYYY-MM/...jsonl.gz) listed in a manifest per month. A row here records one byte range of one file
-- generation: archived in a segment, being written (a run stopped half way: the next run finishes it from this
-- row), or missed (the bytes were gone before they could be archived). The end of a generation's last range is
-- where the next segment starts, so nothing is archived twice.
CREATE TABLE raw_archive_segments (
    file_id BIGINT NOT NULL,
    start_offset BIGINT NOT NULL,        -- [start_offset, end_offset) of the generation's bytes
    end_offset BIGINT NOT NULL,
    state TEXT NOT NULL,                  -- 'writing', 'archived', 'missed'
    archive_dir TEXT NOT NULL,            -- the archive directory (the one holding raw/)
    segment TEXT,                         -- the segment file under raw/ ('2026-03/transcripts/....jsonl.gz'); NULL when missed
    sha256 TEXT,                          -- SHA-256 of the uncompressed bytes
    compressed_bytes BIGINT,
    end_marker TEXT,                      -- the offset marker at end_offset (ingest_files.marker_hash then)
    end_marker_length BIGINT NOT NULL DEFAULT 0,
    end_state TEXT,                       -- the parser state at end_offset (where the next segment's parse starts)
    reason TEXT,                          -- why a range was missed
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (file_id, start_offset)
);
