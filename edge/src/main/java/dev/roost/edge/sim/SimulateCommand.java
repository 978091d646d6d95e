package dev.roost.edge.sim;

import dev.roost.edge.link.BackoffSettings;
import dev.roost.edge.link.ClientTls;
import dev.roost.edge.logging.AgentLogging;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** {@code roost-edge simulate}: N simulated devices in this process, with a summary. */
@CommandLine.Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run N simulated devices against a Roost server and print what they saw.")
public final class SimulateCommand implements java.util.concurrent.Callable<Integer> {
    /** Shown of the registration failures; the rest are counted. */
    private static final int FAILURES_SHOWN = 5;

    @CommandLine.Option(names = "--server-url", split = ",", defaultValue = "ws://127.0.0.1:9090/ws",
            description = "repeat it (or separate by commas) to spread the devices over several nodes and let "
                    + "them fail over between them without a load balancer")
    List<URI> serverUrls;

    @CommandLine.Option(names = "--ca-file", description = "with a wss:// server URL: trust only the CA "
            + "certificates of this PEM file (default: the system trust store); also used for the REST registration")
    Path caFile;

    @CommandLine.Option(names = "--devices", defaultValue = "100", description = "how many devices to register")
    int devices;

    @CommandLine.Option(names = "--devices-file", description = "id,secret per line instead of registering")
    Path devicesFile;

    @CommandLine.Option(names = "--save-devices", description = "write the registered devices here (id,secret)")
    Path saveDevices;

    @CommandLine.Option(names = "--admin-token", defaultValue = "${env:ROOST_ADMIN_TOKEN}",
            description = "token for POST /api/v1/devices (default: $ROOST_ADMIN_TOKEN)")
    String adminToken;

    @CommandLine.Option(names = "--api-url",
            description = "REST base (default: http, or https for wss, on the server URL's host:port)")
    URI apiUrl;

    @CommandLine.Option(names = "--rate", defaultValue = "500", description = "connects per second while ramping up")
    int rate;

    @CommandLine.Option(names = "--source-addresses", defaultValue = "1",
            description = "spread connections over 127.0.0.1 .. 127.0.0.N")
    int sourceAddresses;

    @CommandLine.Option(names = "--status-interval", defaultValue = "PT30S")
    Duration statusInterval;

    @CommandLine.Option(names = "--duration", defaultValue = "PT60S", description = "run this long after ramp-up")
    Duration duration;

    @CommandLine.Option(names = "--summary-every", defaultValue = "PT10S",
            description = "print a summary line this often, with percentiles since the previous one")
    Duration summaryEvery;

    @CommandLine.Option(names = "--print-histograms",
            description = "after each summary line, a HISTOGRAM line with that interval's buckets (to merge exactly)")
    boolean printHistograms;

    @CommandLine.Option(names = "--io-threads", defaultValue = "0", description = "event loops (0 = CPU count)")
    int ioThreads;

    @CommandLine.Option(names = "--register-parallelism", defaultValue = "32")
    int registerParallelism;

    @CommandLine.Option(names = "--register-timeout", defaultValue = "PT30S",
            description = "how long one registration request may take before it is tried again")
    Duration registerTimeout;

    @CommandLine.Option(names = "--register-attempts", defaultValue = "4",
            description = "tries per device (after a timeout, a connection error, 429 or 5xx)")
    int registerAttempts;

    @CommandLine.Option(names = "--token-save-every", defaultValue = "PT10S",
            description = "rewrite <devices file>.tokens this often; PT0S: no token file read or written")
    Duration tokenSaveEvery;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Devices that could not be registered this run, with why. */
    private List<String> registrationFailures = List.of();

    @Override
    public Integer call() throws Exception {
        // Per-device INFO lines would drown the summary; warnings (refusals) go to stderr, one line each.
        try (AutoCloseable logs = AgentLogging.toWriter("dev.roost", Level.WARNING, spec.commandLine().getErr())) {
            return simulate();
        }
    }

    private int simulate() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Optional<ClientTls> tls = tls();
        List<DeviceCredential> fleetDevices = devices(out, tls);
        if (fleetDevices.isEmpty()) {
            out.printf(Locale.ROOT, "SUMMARY registration registered=0 failed=%d%n", registrationFailures.size());
            out.flush();
            return 1;
        }
        Optional<Path> tokenFile = tokenFile();
        FleetTokenStore tokens = tokens(tokenFile, out);
        int threads = ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        Fleet.Settings settings = new Fleet.Settings(serverUrls, tls, sources(), rate, statusInterval,
                new BackoffSettings(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), Duration.ofMinutes(1), 0),
                threads, Duration.ofMillis(250));
        int exitCode;
        try (Fleet fleet = new Fleet(settings, tokens)) {
            long started = System.nanoTime();
            out.printf(Locale.ROOT, "starting %d devices at %d/s over %d source address(es), %d io threads%n",
                    fleetDevices.size(), rate, Math.max(1, sourceAddresses), threads);
            out.flush();
            fleet.start(fleetDevices);
            FleetStats stats = fleet.stats();
            long allConnectedNanos = -1;
            long nextSummary = System.nanoTime() + summaryEvery.toNanos();
            long deadline = Long.MAX_VALUE;
            SummaryLines summaries = new SummaryLines(stats, out, printHistograms, started);
            long nextTokenSave = System.nanoTime() + tokenSaveEvery.toNanos();
            CountDownLatch tick = new CountDownLatch(1);
            while (System.nanoTime() < deadline) {
                tick.await(100, TimeUnit.MILLISECONDS);
                if (allConnectedNanos < 0 && stats.connectedNow() >= fleetDevices.size()) {
                    allConnectedNanos = System.nanoTime() - started;
                    out.printf(Locale.ROOT, "all %d devices connected after %.1f s%n", fleetDevices.size(),
                            allConnectedNanos / 1e9);
                    deadline = System.nanoTime() + duration.toNanos();
                    summaries.holdStarts();
                }
                if (allConnectedNanos < 0 && System.nanoTime() - started > duration.toNanos() * 3
                        + Duration.ofSeconds(fleetDevices.size() / Math.max(1, rate)).toNanos()) {
                    out.println("not every device connected in time");
                    deadline = System.nanoTime();
                }
                if (System.nanoTime() >= nextSummary) {
                    summaries.periodic();
                    nextSummary += summaryEvery.toNanos();
                }
                if (tokenFile.isPresent() && System.nanoTime() >= nextTokenSave) {
                    saveTokens(tokens, tokenFile.get());
                    nextTokenSave += tokenSaveEvery.toNanos();
                }
            }
            summaries.finish(allConnectedNanos, fleetDevices.size());
            if (devicesFile == null) {
                out.printf(Locale.ROOT, "SUMMARY registration registered=%d failed=%d%n", fleetDevices.size(),
                        registrationFailures.size());
                out.flush();
            }
            exitCode = allConnectedNanos < 0 || !registrationFailures.isEmpty() ? 1 : 0;
        }
        // After the fleet closed its links: the tokens stay valid for the next run.
        tokenFile.ifPresent(file -> saveTokens(tokens, file));
        return exitCode;
    }

    /** Beside the devices file (the one read, or the one written): {@code <file>.tokens}. */
    private Optional<Path> tokenFile() {
        if (tokenSaveEvery.isZero() || tokenSaveEvery.isNegative()) {
            return Optional.empty();
        }
        Path devicesPath = devicesFile != null ? devicesFile : saveDevices;
        return Optional.ofNullable(devicesPath).map(path -> path.resolveSibling(path.getFileName() + ".tokens"));
    }

    private FleetTokenStore tokens(Optional<Path> file, PrintWriter out) {
        if (file.isEmpty() || devicesFile == null) {
            return FleetTokenStore.empty();
        }
        try {
            FleetTokenStore tokens = FleetTokenStore.read(file.get(), Instant.now());
            out.printf("loaded %d unexpired session tokens from %s%n", tokens.size(), file.get());
            return tokens;
        } catch (IOException e) {
            spec.commandLine().getErr().println("session tokens not loaded, devices use their secrets: "
                    + e.getMessage());
            return FleetTokenStore.empty();
        }
    }

    private void saveTokens(FleetTokenStore tokens, Path file) {
        try {
            tokens.writeTo(file);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot save session tokens to " + file + ": " + e);
        }
    }

    /** Simulated devices present no client certificate: a server that requires one refuses them. */
    private Optional<ClientTls> tls() {
        boolean secure = "wss".equals(serverUrls.getFirst().getScheme());
        for (URI url : serverUrls) {
            if (!("ws".equals(url.getScheme()) || "wss".equals(url.getScheme())) || url.getHost() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--server-url must be a ws:// or wss:// URL such as ws://host:9090/ws, was " + url);
            }
            if (secure != "wss".equals(url.getScheme())) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--server-url: all ws:// or all wss://, was " + serverUrls);
            }
        }
        if (!secure && caFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--ca-file needs a wss:// --server-url, was " + serverUrls);
        }
        if (!secure) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClientTls.create(new ClientTls.Files(Optional.ofNullable(caFile), Optional.empty(),
                    Optional.empty())));
        } catch (ClientTls.InvalidSetting e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ca-file: " + e.getMessage());
        }
    }

    private List<DeviceCredential> devices(PrintWriter out, Optional<ClientTls> tls) throws Exception {
        if (devicesFile != null) {
            List<DeviceCredential> read = Provisioner.read(devicesFile);
            return read.subList(0, Math.min(read.size(), devices > 0 ? devices : read.size()));
        }
        if (adminToken == null || adminToken.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--admin-token (or ROOST_ADMIN_TOKEN) is required to register devices; or use --devices-file");
        }
        URI serverUrl = serverUrls.getFirst();
        URI api = apiUrl != null ? apiUrl : URI.create((tls.isPresent() ? "https://" : "http://")
                + serverUrl.getHost() + ":" + (serverUrl.getPort() > 0 ? serverUrl.getPort()
                : tls.isPresent() ? 443 : 80));
        long started = System.nanoTime();
        Provisioner.Registration registration = Provisioner.register(api, tls.map(ClientTls::jdkContext),
                adminToken, devices, "sim", registerParallelism,
                new Provisioner.Retries(registerTimeout, Math.max(1, registerAttempts), Duration.ofMillis(500)));
        List<DeviceCredential> registered = registration.devices();
        registrationFailures = registration.failures();
        out.printf(Locale.ROOT, "registered %d devices in %.1f s%n", registered.size(),
                (System.nanoTime() - started) / 1e9);
        if (!registrationFailures.isEmpty()) {
            out.printf(Locale.ROOT, "%d devices not registered%s:%n", registrationFailures.size(),
                    registrationFailures.size() > FAILURES_SHOWN ? " (the first " + FAILURES_SHOWN + ")" : "");
            registrationFailures.stream().limit(FAILURES_SHOWN).forEach(failure -> out.println("  " + failure));
        }
        out.flush();
        // Written whatever failed: these secrets exist nowhere else.
        if (saveDevices != null && !registered.isEmpty()) {
            Provisioner.write(saveDevices, registered);
        }
        return registered;
    }

    private List<InetAddress> sources() throws IOException {
        List<InetAddress> sources = new ArrayList<>();
        if (sourceAddresses <= 1) {
            return sources;
        }
        for (int i = 1; i <= Math.min(254, sourceAddresses); i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        return sources;
    }
}
