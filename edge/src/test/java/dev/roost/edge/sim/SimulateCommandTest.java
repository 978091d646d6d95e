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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.roost.server.support.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate} as the benchmark scripts run it: a devices file, its token file, the printed lines. */
class SimulateCommandTest {
    /** The line bench/plot_fleet.py has always parsed; the interval section comes after it. */
    private static final Pattern CUMULATIVE = Pattern.compile("t=\\d+s connected=\\d+ connects=\\d+ reconnects=\\d+ "
            + "failed_attempts=\\d+ disconnects=\\d+ commands=\\d+ duplicate_commands=\\d+ \\| ping->pong ms p50=[\\d.]+ p90=[\\d.]+ "
            + "p99=[\\d.]+ max=[\\d.]+ \\(n=(\\d+)\\) \\| status->ack ms p50=[\\d.]+ p90=[\\d.]+ p99=[\\d.]+ "
            + "max=[\\d.]+ \\(n=\\d+\\) \\| heap_used_mb=\\d+ heap_committed_mb=\\d+ rss_mb=-?\\d+");
    private static final String LATENCIES = "ping ms p50=[\\d.]+ p99=[\\d.]+ max=[\\d.]+ \\(n=(\\d+)\\) "
            + "status ms p50=[\\d.]+ p99=[\\d.]+ max=[\\d.]+ \\(n=\\d+\\)";
    private static final String INTERVAL = " \\| interval " + LATENCIES;
    private static final String BUCKETS = "(-|\\d+:\\d+(?:,\\d+:\\d+)*)";
    private static final Pattern HISTOGRAM = Pattern.compile("HISTOGRAM t=\\d+s from_ms=(\\d+) to_ms=(\\d+) ping_us="
            + BUCKETS + " status_us=" + BUCKETS);

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

    private static long count(String buckets) {
        long total = 0;
        if (!buckets.equals("-")) {
            for (String bucket : buckets.split(",")) {
                total += Long.parseLong(bucket.substring(bucket.indexOf(':') + 1));
            }
        }
        return total;
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

        Run first = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT2S",
                "--token-save-every", "PT0.2S");
        assertThat(first.exitCode()).as(first.out()).isZero();
        assertThat(first.out()).contains("loaded 0 unexpired session tokens from " + tokenFile);
        assertThat(Files.readAllLines(tokenFile)).hasSize(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");

        // Secrets the server would refuse: only the saved tokens can get the devices in.
        Provisioner.write(devicesFile, devices.stream()
                .map(device -> new DeviceCredential(device.id(), "wrong-secret-0123456789")).toList());
        Run second = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT2S");
        assertThat(second.exitCode()).as(second.out()).isZero();
        assertThat(second.out()).contains("loaded 5 unexpired session tokens")
                .contains("all 5 devices connected").contains("failed_attempts=0");
    }

    @Test
    void summaryLines_carryIntervalPercentiles_histogramsThatAddUp_andTheHoldSummary() throws Exception {
        Path devicesFile = dir.resolve("devices-3.csv");
        Provisioner.write(devicesFile, register(3));

        Run run = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT1.6S",
                "--summary-every", "PT0.4S", "--print-histograms");

        assertThat(run.exitCode()).as(run.out()).isZero();
        List<String> lines = run.out().lines().toList();
        List<String> periodic = lines.stream().filter(line -> line.startsWith("t=")).toList();
        List<String> histograms = lines.stream().filter(line -> line.startsWith("HISTOGRAM ")).toList();
        assertThat(periodic).hasSizeGreaterThanOrEqualTo(3).hasSameSizeAs(histograms);
        assertThat(periodic).allSatisfy(line -> assertThat(line).matches(CUMULATIVE.pattern() + INTERVAL));
        assertThat(histograms).allSatisfy(line -> assertThat(line).matches(HISTOGRAM));

        long pings = 0;
        long previousTo = -1;
        for (int i = 0; i < periodic.size(); i++) {
            Matcher interval = Pattern.compile(INTERVAL).matcher(periodic.get(i));
            Matcher histogram = HISTOGRAM.matcher(histograms.get(i));
            assertThat(interval.find() && histogram.matches()).isTrue();
            assertThat(count(histogram.group(3))).as("interval n = its histogram").isEqualTo(Long.parseLong(interval.group(1)));
            assertThat(Long.parseLong(histogram.group(1))).as("intervals follow each other")
                    .isEqualTo(previousTo < 0 ? Long.parseLong(histogram.group(1)) : previousTo);
            previousTo = Long.parseLong(histogram.group(2));
            pings += Long.parseLong(interval.group(1));
            Matcher cumulative = CUMULATIVE.matcher(periodic.get(i));
            assertThat(cumulative.find()).isTrue();
            assertThat(Long.parseLong(cumulative.group(1))).as("cumulative n = the sum of the intervals").isEqualTo(pings);
        }
        assertThat(pings).as("pings answered during the run").isPositive();

        List<String> summaries = lines.stream().filter(line -> line.startsWith("SUMMARY")).toList();
        assertThat(summaries).hasSize(3);
        assertThat(summaries.get(0)).matches("SUMMARY hold seconds=[\\d.]+ " + LATENCIES);
        assertThat(summaries.get(1)).matches("SUMMARY " + CUMULATIVE.pattern());
        assertThat(summaries.get(2)).matches("SUMMARY connect_time_s=[\\d.]+ devices=3");
    }

    @Test
    void tokenSaveEveryZero_neitherReadsNorWritesATokenFile() throws Exception {
        Path devicesFile = dir.resolve("devices-2.csv");
        Provisioner.write(devicesFile, register(2));

        Run run = simulate("--devices-file", devicesFile.toString(), "--devices", "0", "--duration", "PT2S",
                "--token-save-every", "PT0S");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).doesNotContain("session tokens");
        assertThat(dir.resolve("devices-2.csv.tokens")).doesNotExist();
    }
}
