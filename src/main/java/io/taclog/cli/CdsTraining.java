package io.taclog.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every command once over the bundled demo so that the build can record the classes they load in a
 * class-data-sharing archive ({@code -XX:ArchiveClassesAtExit}, see the pom and {@code bin/taclog}). A JVM
 * that maps the archive skips finding, reading, verifying and linking those classes at each start.
 * Not a user command: {@code CdsTraining SAMPLES_DIR WORK_DIR [JVM_FILE]}; JVM_FILE receives this JVM's home,
 * because an archive only serves the very JVM that wrote it (the launcher compares).
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path samples = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        if (args.length > 2) {
            Files.writeString(Path.of(args[2]), Path.of(System.getProperty("java.home")).toRealPath() + "\n");
        }
        String config = samples.resolve("taclog.properties").toString();
        String db = work.resolve("training.db").toString();
        Files.deleteIfExists(Path.of(db));
        List<String> failed = new ArrayList<>();
        run(failed, "--help");
        IngestWarmUp.run(); // a backfill runs it on a thread of its own, beside the command line's parsing
        run(failed, "backfill", "--config", config, "--db", db, "--no-progress");
        for (String by : new String[] {"day", "task", "model"}) {
            run(failed, "query", "cost", "--by", by, "--db", db);
            run(failed, "query", "cost", "--by", by, "--format", "json", "--db", db);
        }
        run(failed, "query", "cost", "--today", "--format", "csv", "--db", db);
        for (String q : new String[] {"sessions", "workers --active", "workers --failed", "decisions --task gh-601",
            "decisions --slow", "errors", "tools"}) {
            List<String> a = new ArrayList<>(List.of("query"));
            a.addAll(List.of(q.split(" ")));
            a.addAll(List.of("--db", db));
            run(failed, a.toArray(String[]::new));
            a.addAll(List.of("--format", "json"));
            run(failed, a.toArray(String[]::new));
        }
        run(failed, "query", "search", "pytest", "--db", db);
        run(failed, "query", "task", "gh-601", "--full", "--db", db);
        run(failed, "query", "task", "gh-601", "--format", "json", "--db", db);
        run(failed, "query", "search", "orbit", "--db", db); // the rows not indexed yet, searched directly
        run(failed, "search-index", "--db", db);
        run(failed, "query", "search", "render_report", "--task", "gh-601", "--db", db);
        run(failed, "query", "search", "orbit", "--format", "json", "--db", db);
        run(failed, "files", "--db", db);
        run(failed, "validate", "--config", config, "--db", db);
        run(failed, "export", "--task", "gh-601", "--format", "md", "--db", db);
        run(failed, "prices", "list");
        if (!failed.isEmpty()) {
            // the archive is an optimisation: a command that failed here still loaded most of its classes
            System.err.println("CDS training: these commands failed: " + failed);
        }
    }

    private static void run(List<String> failed, String... args) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        if (Main.run(args, sink, sink) != Main.OK) {
            failed.add(String.join(" ", args));
        }
    }
}
