package io.taclog.source;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the files a tail source should follow: single files as given, directories walked (optionally
 * recursively) and filtered by include/exclude globs.
 *
 * <p>Symlinked files are followed (identity is the target's); symlinked directories are not, which
 * rules out cycles.
 */
public final class DirectoryScanner {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryScanner.class);

    private final List<Path> roots;
    private final boolean recursive;
    private final List<Glob> include;
    private final List<Glob> exclude;
    /** Set when scans between full walks look only at what changed; the walk registers every directory. */
    private ChangeWatch watch;

    private record Glob(PathMatcher matcher, boolean nameOnly) {
        boolean matches(Path relative) {
            return matcher.matches(nameOnly ? relative.getFileName() : relative);
        }
    }

    public DirectoryScanner(List<Path> roots, boolean recursive, List<String> include, List<String> exclude) {
        this.roots = List.copyOf(roots);
        this.recursive = recursive;
        FileSystem fs = FileSystems.getDefault();
        this.include = include.stream().map(p -> glob(fs, p)).toList();
        this.exclude = exclude.stream().map(p -> glob(fs, p)).toList();
    }

    private static Glob glob(FileSystem fs, String pattern) {
        return new Glob(fs.getPathMatcher("glob:" + pattern), !pattern.contains("/"));
    }

    /** Turns on change notification; false where the platform has none (then every scan walks). */
    public boolean watchChanges() {
        if (watch == null) {
            watch = ChangeWatch.open();
        }
        return watch != null;
    }

    /**
     * Files created or written to since the last call that pass the patterns, with their stat; empty when a full
     * walk is needed instead (see {@link ChangeWatch}) or nothing changed: {@code needsFullWalk} tells which.
     */
    public Changed changed() {
        ChangeWatch.Changes c = watch.poll();
        if (c.needsFullWalk()) {
            return new Changed(true, List.of());
        }
        List<Found> out = new ArrayList<>();
        for (Path changed : c.files()) {
            Path file = inRootForm(changed.toAbsolutePath());
            if (file == null) {
                continue; // not under a watched path, or filtered out
            }
            try {
                java.util.Optional<FileStat> s = FileStat.of(file);
                s.ifPresent(st -> out.add(new Found(file, st.size(), st)));
            } catch (IOException e) {
                LOG.debug("cannot stat {}: {}", file, e.toString());
            }
        }
        return new Changed(false, out);
    }

    /** What {@link #changed()} saw. */
    public record Changed(boolean needsFullWalk, List<Found> files) {
    }

    /**
     * The path as the full walk names it (under its root as configured, relative or not) when a watched path
     * covers it and the patterns let it through; else null. A single-file root is followed whatever its name.
     */
    private Path inRootForm(Path absolute) {
        for (Path root : roots) {
            Path r = root.toAbsolutePath();
            if (absolute.equals(r)) {
                return Files.isDirectory(r) ? null : root;
            }
            if (absolute.startsWith(r) && Files.isDirectory(r) && (recursive || r.equals(absolute.getParent()))) {
                Path relative = r.relativize(absolute);
                return accepts(relative) ? root.resolve(relative) : null;
            }
        }
        return null;
    }

    /** True when a file at {@code relative} (to its root) passes the include and exclude patterns. */
    public boolean accepts(Path relative) {
        if (relative.getFileName() == null) {
            return false;
        }
        boolean included = include.isEmpty() || include.stream().anyMatch(g -> g.matches(relative));
        return included && exclude.stream().noneMatch(g -> g.matches(relative));
    }

    /**
     * A file the walk found, with the size the walk's own stat saw and, where the platform reveals it, the whole
     * stat ({@code null}: stat it yourself).
     */
    public record Found(Path path, long size, FileStat stat) {
    }

    /** Current candidate files, in a stable order (sorted within each root). */
    public List<Path> list() {
        return listWithSizes().stream().map(Found::path).toList();
    }

    /** As {@link #list()}, with sizes from the same walk (no second stat per file). */
    public List<Found> listWithSizes() {
        List<Found> out = new ArrayList<>();
        for (Path root : roots) {
            if (watch != null && !Files.isDirectory(root) && root.toAbsolutePath().getParent() != null
                    && Files.isDirectory(root.toAbsolutePath().getParent())) {
                watch.register(root.toAbsolutePath().getParent()); // a single file: its creation and rotation
            }
            if (Files.isRegularFile(root)) {
                try {
                    out.add(new Found(root, Files.size(root), null));
                } catch (IOException e) {
                    LOG.debug("cannot stat {}: {}", root, e.toString());
                }
            } else if (Files.isDirectory(root)) {
                walk(root, out);
            }
        }
        return out;
    }

    private void walk(Path root, List<Found> out) {
        List<Found> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!recursive && !dir.equals(root)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (watch != null) {
                        watch.register(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && accepts(root.relativize(file))) {
                        found.add(new Found(file, attrs.size(), FileStat.fromWalk(file, attrs)));
                    } else if (attrs.isSymbolicLink() && Files.isRegularFile(file) && accepts(root.relativize(file))) {
                        found.add(new Found(file, sizeOf(file), null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    LOG.debug("cannot visit {}: {}", file, e.toString());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot walk {}: {}", root, e.toString());
        }
        found.sort(java.util.Comparator.comparing(Found::path));
        out.addAll(found);
    }

    /** Stops the change notification. */
    public void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file); // follows the link
        } catch (IOException e) {
            return 0;
        }
    }
}
