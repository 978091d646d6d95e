package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.CloseCode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.ConnectionDetail;
import dev.roost.server.event.EventType;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * One connection as a {@link FirstFrameDialect} sees it: it sends its own frames, and admits its
 * device into the same registry, presence and event log as a v1 session, so that the device is
 * online, takes commands through {@code DeviceLink} and ends like any other. The liveness sweep,
 * the 4004 replacement and the shutdown close treat it as any session.
 */
public final class DialectConnection {
    private static final System.Logger LOG = System.getLogger(DialectConnection.class.getName());

    private final DeviceSession session;
    private final FirstFrameRoute route;

    DialectConnection(DeviceSession session, FirstFrameRoute route) {
        this.session = session;
        this.route = route;
    }

    /** The peer's address (for failed-login limits and the event log). */
    public String remote() {
        return session.remote();
    }

    public long epoch() {
        return session.epoch();
    }

    public int maxFrameBytes() {
        return route.settings().maxFrameBytes();
    }

    /** A frame arrived: counts as liveness. */
    public void seen() {
        session.seen(route.clock().millis());
    }

    /**
     * Takes one token of the connection's uplink rate (protocol.md §5); false when the frame must
     * be dropped. A peer that keeps sending above the rate is closed with 4029.
     */
    public boolean withinRate() {
        if (session.tryAcquire(route.settings().ratePerSecond(), route.settings().rateBurst())) {
            return true;
        }
        if (session.rateViolations() >= SouthboundSettings.MAX_RATE_VIOLATIONS) {
            close(CloseCode.RATE_LIMIT_EXCEEDED, CloseCode.RATE_LIMIT_EXCEEDED.reason());
        }
        return false;
    }

    /**
     * Runs uplink work that may wait (on the database) off the connection's thread, after the work
     * handed over before it, so that the connection reads on and answers the heartbeat meanwhile.
     * Dropped when the connection ends first.
     *
     * @return false when too much work waits already: {@code work} will not run
     */
    public boolean handOver(Runnable work) {
        return route.channel().handOver(session, work);
    }

    /** Sends one text frame as it is; false when the connection is gone or closing. */
    public boolean sendText(String text) {
        return session.sendText(text);
    }

    /** Closes from the server side and records the end at once. */
    public void close(CloseCode code, String reason) {
        route.channel().close(session, code, reason);
    }

    public boolean isEnded() {
        return session.isEnded();
    }

    public Optional<DeviceId> deviceId() {
        return Optional.ofNullable(session.deviceId());
    }

    /**
     * Makes this connection the device's live session, as a v1 login does: a previous session of
     * the device is closed (4004 {@code replaced}), the presence is claimed and a {@code connected}
     * event recorded. From then on every downlink message for the device goes to {@code downlink}.
     *
     * @param dialect the dialect the connected event names ("v0")
     * @return false when the connection ended meanwhile (nothing is bound)
     */
    public boolean admit(DeviceId device, DeviceState previousState, Predicate<Body> downlink, String dialect) {
        session.translateDownlink(downlink);
        session.authenticated(device);
        Optional<DeviceSession> replaced = route.registry().bind(session);
        if (session.isEnded()) {
            route.registry().closed(session);
            return false;
        }
        try {
            route.presence().claimed(device, session.epoch());
        } catch (RoostException e) {
            LOG.log(System.Logger.Level.WARNING, "device {0} is served here, but its presence was not recorded "
                    + "cluster-wide: {1}", device, e.getMessage());
        }
        replaced.ifPresent(previous -> {
            route.channel().close(previous, CloseCode.REPLACED, CloseCode.REPLACED.reason());
            route.recorder().record(new DeviceEvent(route.ids().nextId(), device, route.clock().instant(),
                    EventType.DISCONNECTED, "device", DeviceState.ONLINE, DeviceState.ONLINE, "replaced",
                    ConnectionDetail.ofEpoch(previous.epoch())));
        });
        route.recorder().record(new DeviceEvent(route.ids().nextId(), device, route.clock().instant(),
                EventType.CONNECTED, "device", previousState, DeviceState.ONLINE, "connected",
                ConnectionDetail.of(session.epoch(), session.remote()).withDialect(dialect)));
        return true;
    }

    /** Records a refused login against the device it claimed (its state stays as it is). */
    public void recordRefusal(DeviceId claimed, DeviceState state, String reason) {
        route.recorder().record(new DeviceEvent(route.ids().nextId(), claimed, route.clock().instant(),
                EventType.DISCONNECTED, "device", state, state, reason,
                ConnectionDetail.of(session.epoch(), session.remote())));
    }
}
