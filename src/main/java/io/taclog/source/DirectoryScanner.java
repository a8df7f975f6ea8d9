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
                    return recursive || dir.equals(root) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
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

    private static long sizeOf(Path file) {
        try {
            return Files.size(file); // follows the link
        } catch (IOException e) {
            return 0;
        }
    }
}
