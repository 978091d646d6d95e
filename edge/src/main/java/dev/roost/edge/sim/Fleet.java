package dev.roost.edge.sim;

import dev.roost.edge.agent.AgentVersion;
import dev.roost.edge.link.Backoff;
import dev.roost.edge.link.BackoffSettings;
import dev.roost.edge.link.ClientTls;
import dev.roost.edge.link.ConnectionManager;
import dev.roost.edge.link.Credentials;
import dev.roost.edge.link.LinkSettings;
import dev.roost.edge.link.Ticker;
import dev.roost.edge.link.WsTransport;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.StatusReporter;
import dev.roost.protocol.PduCodec;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many simulated devices in one process over one {@link WsTransport}: each is a real
 * {@link ConnectionManager} with a {@link SimulatedDevice} session, pinned to one event loop. Session
 * tokens go to a {@link FleetTokenStore}, which the caller may have filled from a previous run.
 */
public final class Fleet implements AutoCloseable {
    /**
     * @param serverUris     one or more servers; device i begins at entry i (mod the list's size), so
     *                       the fleet spreads evenly over them, and fails over along the list
     * @param tls            for {@code wss://} server URIs: one trust setting for every device
     * @param sources        local addresses to spread connections over (empty = the system's choice)
     * @param connectsPerSec ramp-up rate
     */
    public record Settings(List<URI> serverUris, Optional<ClientTls> tls, List<InetAddress> sources, int connectsPerSec,
                           Duration statusInterval, BackoffSettings backoff, int ioThreads, Duration tick) {
        public Settings {
            serverUris = List.copyOf(serverUris);
        }
    }

    private final Settings settings;
    private final FleetTokenStore tokens;
    private final WsTransport transport;
    private final Ticker ticker;
    private final PduCodec codec = new PduCodec();
    private final FleetStats stats = new FleetStats();
    private final List<ConnectionManager> managers = new ArrayList<>();
    private final ScheduledExecutorService ramp = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "roost-sim-ramp");
        thread.setDaemon(true);
        return thread;
    });

    public Fleet(Settings settings, FleetTokenStore tokens) {
        this.settings = settings;
        this.tokens = tokens;
        this.transport = new WsTransport(settings.ioThreads());
        this.ticker = new Ticker(settings.tick());
    }

    public FleetStats stats() {
        return stats;
    }

    /** Starts {@code devices} at the configured rate; completes when the last one was started. */
    public CompletableFuture<Void> start(List<DeviceCredential> devices) {
        SplittableRandom seeds = new SplittableRandom(42);
        for (int i = 0; i < devices.size(); i++) {
            managers.add(device(devices.get(i), i, seeds.nextLong()));
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        long periodMicros = Math.max(1, 1_000_000L / Math.max(1, settings.connectsPerSec()));
        int[] next = {0};
        ramp.scheduleAtFixedRate(() -> {
            if (next[0] < managers.size()) {
                managers.get(next[0]++).start();
            } else if (!started.isDone()) {
                started.complete(null);
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        return started;
    }

    private ConnectionManager device(DeviceCredential credential, int index, long seed) {
        EventLoop loop = transport.nextLoop();
        BootId bootId = new BootId(UUID.randomUUID().toString());
        Optional<InetAddress> source = settings.sources().isEmpty() ? Optional.empty()
                : Optional.of(settings.sources().get(index % settings.sources().size()));
        StatusReporter reporter = new StatusReporter(new SyntheticStatusSource(seed, bootId, AgentVersion.VALUE),
                Runnable::run, loop, stats, settings.statusInterval());
        SimulatedDevice device = new SimulatedDevice(reporter, bootId, stats);
        LinkSettings link = new LinkSettings(LinkSettings.startingAt(settings.serverUris(), index), settings.tls(), Credentials.ofDevice(credential.id(),
                credential.secret()), source, Duration.ofSeconds(30), settings.backoff(), AgentVersion.VALUE, true);
        ConnectionManager manager = new ConnectionManager(link, transport, loop, ticker, codec, device, stats,
                new Backoff(settings.backoff(), new java.util.Random(seed)), tokens.device(credential.id()));
        device.attach(manager);
        return manager;
    }

    @Override
    public void close() {
        ramp.shutdownNow();
        List<CompletableFuture<Void>> stopping = managers.stream().map(ConnectionManager::stop).toList();
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        transport.close();
    }
}
