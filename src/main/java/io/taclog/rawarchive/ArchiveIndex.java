package io.taclog.rawarchive;

import io.taclog.ingest.SourceKinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a raw archive lists, read from its manifests and put in order: per file generation, its segments from
 * the generation's start. Refuses (nothing read further) a directory without a raw archive, a manifest line that is
 * not an entry, and an archive whose entries contradict each other (one generation id naming two different files,
 * two segments holding the same bytes).
 */
public final class ArchiveIndex {

    /** Kinds read first, as a backfill reads them: the writers keep the first end status a worker is given. */
    private static final List<String> KIND_ORDER = List.of(SourceKinds.COORDINATOR_EVENTS, SourceKinds.COORDINATOR_LOG,
            SourceKinds.TRANSCRIPTS);

    /** What one month's manifest lists. */
    public record MonthTotals(String month, int segments, int files, long bytes, long compressedBytes, int missed,
                              long missedBytes) {
    }

    private final Path dir;
    private final Path raw;
    private final List<MonthTotals> months;
    private final List<ArchivedGeneration> generations;
    private final Map<Long, ArchivedGeneration> byId = new LinkedHashMap<>();

    private ArchiveIndex(Path dir, Path raw, List<MonthTotals> months, List<ArchivedGeneration> generations) {
        this.dir = dir;
        this.raw = raw;
        this.months = months;
        this.generations = generations;
        generations.forEach(g -> byId.put(g.id(), g));
    }

    /** Reads the raw archive of {@code dir} (the directory holding raw/, or raw/ itself). */
    public static ArchiveIndex load(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.exists(d)) {
            throw new RawArchiveRefused("archive directory " + d + " does not exist");
        }
        if (!Files.isDirectory(d)) {
            throw new RawArchiveRefused("archive directory " + d + " is not a directory");
        }
        if (!Files.isReadable(d) || !Files.isExecutable(d)) {
            throw new RawArchiveRefused("archive directory " + d + " cannot be read");
        }
        Path raw = RawArchiveLayout.find(d).orElseThrow(() -> new RawArchiveRefused(d + " holds no raw archive (no "
                + RawArchiveLayout.RAW + "/YYYY-MM/" + RawArchiveLayout.MANIFEST + ")"));
        if (!Files.isReadable(raw) || !Files.isExecutable(raw)) {
            throw new RawArchiveRefused("raw archive " + raw + " cannot be read");
        }
        List<String> months = RawArchiveLayout.months(raw);
        if (months.isEmpty()) {
            throw new RawArchiveRefused(raw + " holds no manifest (no YYYY-MM/" + RawArchiveLayout.MANIFEST + ")");
        }
        Map<Long, List<ManifestEntry>> byGeneration = new TreeMap<>();
        List<MonthTotals> totals = new ArrayList<>();
        for (String m : months) {
            List<ManifestEntry> entries = Manifest.read(RawArchiveLayout.manifest(raw, m));
            for (ManifestEntry e : entries) {
                byGeneration.computeIfAbsent(e.generation(), k -> new ArrayList<>()).add(e);
            }
            totals.add(totals(m, entries));
        }
        List<ArchivedGeneration> gens = new ArrayList<>();
        byGeneration.forEach((id, entries) -> gens.add(chain(id, entries)));
        gens.sort(Comparator.comparingInt((ArchivedGeneration g) -> kindRank(g.identity().kind()))
                .thenComparingLong(ArchivedGeneration::firstObservedMillis).thenComparingLong(ArchivedGeneration::id));
        return new ArchiveIndex(d, raw, List.copyOf(totals), List.copyOf(gens));
    }

    private static MonthTotals totals(String month, List<ManifestEntry> entries) {
        List<ManifestEntry> segments = entries.stream().filter(e -> !e.missed()).toList();
        List<ManifestEntry> missed = entries.stream().filter(ManifestEntry::missed).toList();
        return new MonthTotals(month, segments.size(),
                (int) segments.stream().mapToLong(ManifestEntry::generation).distinct().count(),
                segments.stream().mapToLong(ManifestEntry::bytes).sum(),
                segments.stream().mapToLong(ManifestEntry::compressedBytes).sum(), missed.size(),
                missed.stream().mapToLong(ManifestEntry::bytes).sum());
    }

    private static int kindRank(String kind) {
        int i = KIND_ORDER.indexOf(kind);
        return i < 0 ? KIND_ORDER.size() : i;
    }

    /** A generation's entries in byte order: the contiguous chain from its start, and what follows a hole. */
    private static ArchivedGeneration chain(long id, List<ManifestEntry> entries) {
        entries.sort(Comparator.comparingLong(ManifestEntry::from).thenComparing(ManifestEntry::missed));
        GenerationIdentity identity = entries.get(0).identity();
        for (ManifestEntry e : entries) {
            if (!e.identity().equals(identity)) {
                throw new RawArchiveRefused("the raw archive lists generation " + id + " as two different files ("
                        + identity + ", and " + e.identity() + " in " + where(e) + "): archives of two databases in "
                        + "one directory?");
            }
        }
        List<ManifestEntry> chain = new ArrayList<>();
        List<ManifestEntry> after = new ArrayList<>();
        String gap = null;
        long expected = identity.start();
        ManifestEntry previous = null;
        for (ManifestEntry e : entries) {
            if (previous != null && e.from() == previous.from() && e.to() == previous.to()
                    && Objects.equals(e.segment(), previous.segment())) {
                continue; // listed twice (month folders merged by hand): the same bytes once
            }
            if (gap != null) {
                after.add(e);
            } else if (e.from() < expected) {
                throw new RawArchiveRefused("the raw archive lists bytes [" + e.from() + ","
                        + Math.min(e.to(), expected) + ") of generation " + id + " (" + e.path() + ") twice, in "
                        + where(previous) + " and " + where(e));
            } else if (e.from() > expected) {
                gap = "bytes [" + expected + "," + e.from() + ") are in no segment";
                after.add(e);
            } else if (e.missed()) {
                gap = "bytes [" + e.from() + "," + e.to() + ") were gone before they could be archived ("
                        + e.reason() + ")";
                after.add(e);
            } else {
                chain.add(e);
                expected = e.to();
            }
            previous = e;
        }
        ManifestEntry last = entries.get(entries.size() - 1);
        return new ArchivedGeneration(id, identity, last.path(), last.adoptedFrom(), last.state(), List.copyOf(chain),
                List.copyOf(after), gap);
    }

    private static String where(ManifestEntry e) {
        return e == null ? "?" : e.missed() ? "a missed range written " + e.writtenAt() : e.segment();
    }

    /** The archive directory (the one holding raw/). */
    public Path dir() {
        return raw.equals(dir) ? dir.getParent() : dir;
    }

    public Path raw() {
        return raw;
    }

    /** What each month's manifest lists, oldest first. */
    public List<MonthTotals> months() {
        return months;
    }

    /** Generations in restore order: coordinator outputs first, then by the time their first bytes were committed. */
    public List<ArchivedGeneration> generations() {
        return generations;
    }

    public ArchivedGeneration generation(long id) {
        return byId.get(id);
    }

    /** Every segment the archive lists (missed ranges excluded). */
    public List<ManifestEntry> segments() {
        List<ManifestEntry> out = new ArrayList<>();
        for (ArchivedGeneration g : generations) {
            out.addAll(g.chain());
            g.afterGap().stream().filter(e -> !e.missed()).forEach(out::add);
        }
        return out;
    }
}
