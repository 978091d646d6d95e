package dev.roost.edge.sim;

import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate} as the benchmark scripts run it: a devices file, its token file, the printed lines. */
class SimulateCommandTest {
    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(Map.of("southbound.heartbeat-interval", "PT0.3S"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private record Run(int exitCode, String out) {
    }

    private static Run simulate(String... args) {
        List<String> all = new ArrayList<>(List.of("--server-url", "ws://127.0.0.1:" + server.port() + "/ws",
                "--io-threads", "1", "--rate", "100", "--status-interval", "PT0.2S"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new SimulateCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        assertThat(err.toString()).isEmpty();
        return new Run(exitCode, out.toString());
    }

    private List<DeviceCredential> register(int count) throws Exception {
        return Provisioner.register(URI.create("http://127.0.0.1:" + server.port()), ADMIN_TOKEN, count, "sim-cmd", 4);
    }

    @Test
    void restartedSimulator_reconnectsWithTheSavedTokens_notTheSecrets() throws Exception {
        List<DeviceCredential> devices = register(5);
        Path devicesFile = dir.resolve("devices-1.csv");
        Provisioner.write(devicesFile, devices);
        Path tokenFile = dir.resolve("devices-1.csv.tokens");

        Run first = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT0.5S",
                "--token-save-every", "PT0.2S");
        assertThat(first.exitCode()).as(first.out()).isZero();
        assertThat(first.out()).contains("loaded 0 unexpired session tokens from " + tokenFile);
        assertThat(Files.readAllLines(tokenFile)).hasSize(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");

        // Secrets the server would refuse: only the saved tokens can get the devices in.
        Provisioner.write(devicesFile, devices.stream()
                .map(device -> new DeviceCredential(device.id(), "wrong-secret-0123456789")).toList());
        Run second = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT0.5S");
        assertThat(second.exitCode()).as(second.out()).isZero();
        assertThat(second.out()).contains("loaded 5 unexpired session tokens")
                .contains("all 5 devices connected").contains("failed_attempts=0");
    }

    @Test
    void tokenSaveEveryZero_neitherReadsNorWritesATokenFile() throws Exception {
        Path devicesFile = dir.resolve("devices-2.csv");
        Provisioner.write(devicesFile, register(2));

        Run run = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT0.3S",
                "--token-save-every", "PT0S");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain("session tokens");
        assertThat(dir.resolve("devices-2.csv.tokens")).doesNotExist();
    }
}
