package io.taclog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A {@code ~/.claude/projects} tree built by {@link ClaudeProjectsCorpus} in a work folder, reused by later
 * runs with the same size (a {@code corpus.properties} file records what was written).
 */
record Corpus(Path home, long files, long bytes, long lines, long projectFolders) {

    static Corpus of(Path work, Path samples, long maxBytes, int maxFiles) throws IOException {
        String name = maxFiles == Integer.MAX_VALUE ? "corpus-" + maxBytes / 1_000_000 + "mb"
                : "corpus-" + maxFiles + "files";
        Path home = work.resolve(name);
        Path marker = home.resolve("corpus.properties");
        Properties p = new Properties();
        if (Files.exists(marker)) {
            try (var in = Files.newInputStream(marker)) {
                p.load(in);
            }
        } else {
            if (Files.exists(home)) {
                try (Stream<Path> s = Files.walk(home)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            System.out.println("building " + home + " ...");
            ClaudeProjectsCorpus.Written w = new ClaudeProjectsCorpus(samples, 42).write(home.resolve("projects"),
                    maxBytes, maxFiles);
            p.setProperty("files", String.valueOf(w.files()));
            p.setProperty("bytes", String.valueOf(w.bytes()));
            p.setProperty("lines", String.valueOf(w.lines()));
            try (var out = Files.newOutputStream(marker)) {
                p.store(out, "written by ClaudeProjectsCorpus (seed 42)");
            }
        }
        long folders;
        try (Stream<Path> s = Files.list(home.resolve("projects"))) {
            folders = s.count();
        }
        return new Corpus(home, Long.parseLong(p.getProperty("files")), Long.parseLong(p.getProperty("bytes")),
                Long.parseLong(p.getProperty("lines")), folders);
    }

    Path projects() {
        return home.resolve("projects");
    }
}
