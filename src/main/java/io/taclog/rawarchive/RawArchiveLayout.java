package io.taclog.rawarchive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the raw archive keeps its files: {@code <dir>/raw/YYYY-MM/manifest.jsonl} and the segments beside it,
 * {@code <dir>/raw/YYYY-MM/<kind>/<stem>.g<generation>.<from>-<to><ext>.gz}. The month is the UTC month in which the
 * segment was written, so a month's folder is never written again once the month is over.
 */
public final class RawArchiveLayout {

    /** The folder of the raw archive inside the archive directory. */
    public static final String RAW = "raw";
    public static final String MANIFEST = "manifest.jsonl";
    /** One run at a time writes the raw archive of a directory (ArchiveLock, its own lock file). */
    static final String LOCK = ".taclog-raw-archive.lock";
    /** Segments being written: in raw/ itself, on the same file system as their month's folder. */
    static final String TEMP_PREFIX = ".segment-";
    static final String TEMP_SUFFIX = ".tmp";

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,8}$");
    private static final DateTimeFormatter MONTH_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_STEM = 80;

    private RawArchiveLayout() {
    }

    public static Path rawRoot(Path dir) {
        return dir.resolve(RAW);
    }

    /** The UTC month ({@code YYYY-MM}) a segment written at {@code t} goes to. */
    static String month(Instant t) {
        return MONTH_FORMAT.format(t);
    }

    static Path manifest(Path raw, String month) {
        return raw.resolve(month).resolve(MANIFEST);
    }

    /**
     * The segment's path under raw/: its month, the source kind, then the file's name with the generation and byte
     * range, e.g. {@code 2026-03/transcripts/5c0375b4.g17.0-81234.jsonl.gz} (unpacked with zcat, it reads as the
     * original's bytes [0, 81234)).
     */
    static String segmentName(String month, String kind, String path, long generation, long from, long to) {
        String name = Path.of(path).getFileName() == null ? "file" : Path.of(path).getFileName().toString();
        String ext = "";
        var m = EXTENSION.matcher(name);
        if (m.find() && m.start() > 0) {
            ext = m.group();
            name = name.substring(0, m.start());
        }
        String stem = UNSAFE.matcher(name).replaceAll("_");
        if (stem.length() > MAX_STEM) {
            stem = stem.substring(0, MAX_STEM);
        }
        if (stem.isEmpty() || stem.startsWith(".")) {
            stem = "f" + stem; // never a hidden file, never confused with a segment being written
        }
        return month + "/" + UNSAFE.matcher(kind).replaceAll("_") + "/" + stem + ".g" + generation + "." + from + "-"
                + to + ext + ".gz";
    }

    /**
     * The raw archive inside {@code dir}: its {@code raw/} folder, or {@code dir} itself when it is that folder
     * (it holds month folders with a manifest). Empty when there is none.
     */
    public static Optional<Path> find(Path dir) {
        Path raw = rawRoot(dir);
        if (Files.isDirectory(raw)) {
            return Optional.of(raw);
        }
        return months(dir).isEmpty() ? Optional.empty() : Optional.of(dir);
    }

    /** The month folders of a raw archive that hold a manifest, oldest first. */
    static List<String> months(Path raw) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(raw)) {
            return out;
        }
        try (Stream<Path> s = Files.list(raw)) {
            s.filter(p -> MONTH.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(MANIFEST)))
                    .map(p -> p.getFileName().toString()).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new RawArchiveRefused("cannot list the raw archive " + raw + ": " + e.getMessage(), e);
        }
        return out;
    }
}
