package io.taclog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The peers, installed from the npm registry into the work folder (nothing global): ccusage 20.0.24, whose
 * platform package brings a native binary, and ccusage 18.0.11, pure JavaScript on Node.js.
 */
final class Peers {

    private final Path dir;
    private final boolean withCcusage18;

    Peers(Path dir, boolean withCcusage18) {
        this.dir = dir;
        this.withCcusage18 = withCcusage18;
    }

    void install() throws IOException, InterruptedException {
        npm("ccusage20", "ccusage@20.0.24");
        if (withCcusage18) {
            npm("ccusage18", "ccusage@18.0.11");
        }
        Path bin = native20();
        if (!Files.isRegularFile(bin)) {
            throw new IOException("ccusage 20 brought no native binary for this platform at " + bin);
        }
        bin.toFile().setExecutable(true); // npm does not always keep the mode of the platform package's file
    }

    private void npm(String folder, String spec) throws IOException, InterruptedException {
        Path target = dir.resolve(folder);
        if (Files.isDirectory(target.resolve("node_modules/ccusage"))) {
            return;
        }
        Files.createDirectories(target);
        Process p = new ProcessBuilder("npm", "install", "--prefix", target.toString(), "--no-audit", "--no-fund",
                "--silent", spec).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("npm install " + spec + " failed");
        }
    }

    private Path native20() {
        String os = System.getProperty("os.name").toLowerCase().contains("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch").contains("aarch64") ? "arm64" : "x64";
        return dir.resolve("ccusage20/node_modules/@ccusage/ccusage-" + os + "-" + arch + "/bin/ccusage");
    }

    List<String> ccusage20() {
        return List.of(native20().toString(), "daily", "--offline", "--json");
    }

    boolean hasCcusage18() {
        return withCcusage18;
    }

    List<String> ccusage18() {
        return List.of(dir.resolve("ccusage18/node_modules/.bin/ccusage").toString(), "daily", "--offline", "--json");
    }
}
