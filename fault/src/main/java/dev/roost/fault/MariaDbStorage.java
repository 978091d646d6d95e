package dev.roost.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the suite's own: its own data folder, port and socket, so that killing or
 * freezing it never touches the shared MariaDB at 127.0.0.1:3306. Root without a password, bound to
 * 127.0.0.1 only.
 */
final class MariaDbStorage implements Storage {
    private static final System.Logger LOG = System.getLogger(MariaDbStorage.class.getName());

    private final Path dir;
    private final int port;
    private Process process;
    private int starts;

    private final ChildPids pids;

    private MariaDbStorage(Path dir, int port, ChildPids pids) {
        this.dir = dir;
        this.port = port;
        this.pids = pids;
    }

    /** Initialises a data folder under {@code workDir}, starts the server and creates database roost. */
    static MariaDbStorage start(Path workDir, ChildPids pids) throws IOException, InterruptedException, SQLException {
        Path dir = workDir.resolve("mariadb").toAbsolutePath();
        Files.createDirectories(dir);
        Process install = new ProcessBuilder("mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root")
                .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
            install.destroyForcibly();
            throw new IOException("mariadb-install-db failed; see " + dir.resolve("install.log"));
        }
        MariaDbStorage storage = new MariaDbStorage(dir, FreePort.pick(), pids);
        storage.launch();
        try (Connection connection = DriverManager.getConnection(storage.adminUrl(), "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE roost");
        }
        return storage;
    }

    /** Starts mariadbd on the existing data folder (again after a kill) and waits until it answers. */
    void launch() throws IOException {
        starts++;
        List<String> command = List.of("mariadbd", "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"), "--user=root", "--skip-log-bin",
                "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M", "--max-connections=200");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.log").toFile())).start();
        pids.record(process);
        boolean up = Await.until(Duration.ofSeconds(90), Duration.ofMillis(250), () -> {
            if (!process.isAlive()) {
                return true;
            }
            try (Connection ignored = DriverManager.getConnection(adminUrl(), "root", "")) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
        if (!up || !process.isAlive()) {
            throw new IOException("mariadbd did not start (start " + starts + "); see " + dir.resolve("mariadbd.log"));
        }
        LOG.log(System.Logger.Level.INFO, "mariadbd pid {0} on 127.0.0.1:{1}", process.pid(), port);
    }

    void kill9() {
        Signals.kill9(process);
    }

    void freeze() {
        Signals.send(process.pid(), "STOP");
    }

    void thaw() {
        Signals.send(process.pid(), "CONT");
    }

    private String adminUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=2000";
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public Map<String, String> serverEnvironment() {
        return Map.of("ROOST_DB_URL", "jdbc:mariadb://127.0.0.1:" + port + "/roost",
                "ROOST_DB_USERNAME", "root", "ROOST_DB_PASSWORD", "");
    }

    @Override
    public String readUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/roost";
    }

    @Override
    public String user() {
        return "root";
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        // A frozen server ignores SIGTERM until it runs again.
        Signals.send(process.pid(), "CONT");
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                Signals.kill9(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    Path dir() {
        return dir;
    }
}
