package io.taclog.cli;

import io.taclog.source.FileKey;
import io.taclog.source.FileStat;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taclog files}: every file generation with its identity, offsets and ledger. */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "List ingested files: paths, identity, committed offset, current size, ledger counts.")
public final class FilesCommand implements Callable<Integer> {

    @Mixin
    SourceOptions sources;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv.")
    Format format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path db = sources.load().get(io.taclog.config.ConfigKeys.DB);
        try (Connection c = ReadOnlyDb.open(db)) {
            Tabular t = new Tabular("file_id", "kind", "path", "state", "identity", "first_line_hash",
                    "start_offset", "committed_offset", "size_now", "pending_bytes", "lines_read", "with_rows",
                    "skipped", "rejected", "rows", "nul_bytes", "skips", "paths_seen");
            try (PreparedStatement ps = c.prepareStatement("SELECT f.file_id, f.source_kind, f.path, f.state, "
                    + "f.device, f.inode, f.first_line_hash, f.start_offset, f.committed_offset, l.lines_read, "
                    + "l.lines_with_rows, l.lines_skipped, l.lines_rejected, l.rows_written, l.nul_bytes_skipped "
                    + "FROM ingest_files f LEFT JOIN ingest_ledger l USING (file_id) ORDER BY f.file_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    FileKey key = new FileKey(rs.getLong(5), rs.getLong(6));
                    Long size = sizeNow(rs.getString(3), key);
                    long committed = rs.getLong(9);
                    t.add(id, rs.getString(2), rs.getString(3), rs.getString(4), key.toString(), rs.getString(7),
                            rs.getLong(8), committed, size, size == null ? null : Math.max(0, size - committed),
                            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14),
                            rs.getLong(15), skips(c, id), paths(c, id));
                }
            }
            if (format == Format.TABLE) {
                Tabular brief = new Tabular("id", "kind", "state", "committed", "size_now", "lines", "rows",
                        "skipped", "rejected", "path");
                for (Map<String, Object> m : t.asMaps()) {
                    brief.add(m.get("file_id"), m.get("kind"), m.get("state"), m.get("committed_offset"),
                            m.get("size_now"), m.get("lines_read"), m.get("with_rows"), m.get("skipped"),
                            m.get("rejected"), m.get("path"));
                }
                brief.print(spec.commandLine().getOut(), Format.TABLE);
            } else {
                t.print(spec.commandLine().getOut(), format);
            }
        }
        return Main.OK;
    }

    private static Long sizeNow(String path, FileKey key) {
        try {
            Optional<FileStat> s = FileStat.of(Path.of(path));
            return s.filter(x -> x.key().equals(key)).map(FileStat::size).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, Long> skips(Connection c, long id) throws java.sql.SQLException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reason, lines FROM ingest_skips WHERE file_id = ? ORDER BY lines DESC, reason")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return m;
    }

    private static List<String> paths(Connection c, long id) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT path FROM ingest_file_paths WHERE file_id = ? ORDER BY first_seen_at, path")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
