package dev.roost.server.southbound;

import io.helidon.webserver.websocket.WsRouting;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The device channel as the server wires it: the /ws route and one liveness sweep for all
 * connections (no timer per device).
 */
public final class Southbound implements AutoCloseable {
    public static final String PATH = "/ws";
    private static final System.Logger LOG = System.getLogger(Southbound.class.getName());

    private final DeviceChannel channel;
    private final Optional<FirstFrameRoute> otherDialect;
    private final ScheduledExecutorService liveness = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-liveness").daemon().factory());

    public Southbound(DeviceChannel channel, SouthboundSettings settings) {
        this(channel, settings, Optional.empty());
    }

    /** @param otherDialect a dialect recognised by the first frame of connections without a subprotocol */
    public Southbound(DeviceChannel channel, SouthboundSettings settings, Optional<FirstFrameRoute> otherDialect) {
        this.channel = channel;
        this.otherDialect = otherDialect;
        long every = settings.sweepInterval().toMillis();
        liveness.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    public WsRouting.Builder routing() {
        return WsRouting.builder().endpoint(PATH, () -> new DeviceEndpoint(channel, otherDialect));
    }

    private void sweepQuietly() {
        try {
            channel.sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "liveness sweep failed", e);
        }
    }

    /** Stops the sweep and closes every device connection with 1001 "server shutdown". */
    @Override
    public void close() {
        liveness.shutdownNow();
        channel.shutdown();
    }
}
