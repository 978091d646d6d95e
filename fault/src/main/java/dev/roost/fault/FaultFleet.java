package dev.roost.fault;

import dev.roost.edge.agent.AgentSession;
import dev.roost.edge.agent.DesiredStateApplier;
import dev.roost.edge.command.CommandJournal;
import dev.roost.edge.command.CommandRunner;
import dev.roost.edge.link.Backoff;
import dev.roost.edge.link.BackoffSettings;
import dev.roost.edge.link.ConnectionManager;
import dev.roost.edge.link.Credentials;
import dev.roost.edge.link.LinkSettings;
import dev.roost.edge.link.SessionTokenStore;
import dev.roost.edge.link.Ticker;
import dev.roost.edge.link.WsTransport;
import dev.roost.edge.sim.DeviceCredential;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.StatusReporter;
import dev.roost.protocol.PduCodec;
import io.netty.channel.EventLoop;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scenario's well-behaved devices in this process: each is the real agent's reconnect loop
 * ({@link ConnectionManager}) around a {@link FaultDevice}, with its own command journal file. They
 * all share one {@link ExecutionLog}.
 */
final class FaultFleet implements AutoCloseable {
    private static final String VERSION = "fault-suite";

    private final WsTransport transport = new WsTransport(1);
    private final Ticker ticker = new Ticker(Duration.ofMillis(250));
    private final PduCodec codec = new PduCodec();
    private final ExecutionLog executions = new ExecutionLog();
    private final List<FaultDevice> devices = new ArrayList<>();
    private final List<ConnectionManager> managers = new ArrayList<>();

    /**
     * @param serverUri      where the devices connect (the server, or a proxy in front of it)
     * @param statusInterval how often each device reports its state
     * @param slowPong       a heartbeat answered later than this counts as disturbed
     */
    FaultFleet(List<DeviceCredential> credentials, URI serverUri, Path journals, Duration statusInterval,
               Duration slowPong, long seed) {
        Random seeds = new Random(seed);
        // Reconnect quickly (capped at 5 s) so that a settle time of a minute covers several tries.
        BackoffSettings backoff = new BackoffSettings(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 0);
        for (DeviceCredential credential : credentials) {
            EventLoop loop = transport.nextLoop();
            BootId bootId = new BootId(UUID.randomUUID().toString());
            FaultDevice[] device = new FaultDevice[1];
            StatusReporter status = new StatusReporter(new CountingStatusSource(bootId), Runnable::run, loop,
                    dev.roost.edge.link.LinkMetrics.NONE, statusInterval);
            CommandRunner runner = new CommandRunner(Map.of(WorkHandler.NAME, new WorkHandler(executions)),
                    CommandJournal.open(journals.resolve(credential.id() + ".json"), 1000, codec),
                    () -> { }, Duration.ofSeconds(60), Optional.empty());
            device[0] = new FaultDevice(credential.id(),
                    new AgentSession(status, new DesiredStateApplier(Optional.empty(), Map.of(), state -> { }), runner),
                    slowPong);
            LinkSettings link = new LinkSettings(serverUri, Optional.empty(), Credentials.ofDevice(credential.id(), credential.secret()),
                    Optional.empty(), Duration.ofSeconds(15), backoff, VERSION, true);
            managers.add(new ConnectionManager(link, transport, loop, ticker, codec, device[0], device[0],
                    new Backoff(backoff, new Random(seeds.nextLong())), SessionTokenStore.NONE));
            devices.add(device[0]);
        }
    }

    List<FaultDevice> devices() {
        return devices;
    }

    ExecutionLog executions() {
        return executions;
    }

    /** Starts devices {@code from} (inclusive) to {@code to} (exclusive). */
    void start(int from, int to) {
        for (int i = from; i < to; i++) {
            managers.get(i).start();
        }
    }

    long liveCount() {
        return devices.stream().filter(FaultDevice::isLive).count();
    }

    /** Waits (bounded) until {@code count} devices are live. */
    boolean awaitLive(long count, Duration timeout) {
        return Await.until(timeout, Duration.ofMillis(200), () -> liveCount() >= count);
    }

    /** Stops every device's loop (close 1000); their last acknowledged status is then final. */
    void stopAll() {
        List<CompletableFuture<Void>> stopping = managers.stream().map(ConnectionManager::stop).toList();
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }

    @Override
    public void close() {
        stopAll();
        transport.close();
    }
}
