package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.CloseCode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.ConnectionDetail;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.event.EventType;

import java.time.Clock;
import java.util.Optional;

/**
 * How device sessions end: the server's own close (a close frame, then the close-wait for the
 * peer's answer) and the end of every session, whoever closed it, recorded once — out of the live
 * map, out of the cluster's presence, and into the device log.
 */
final class SessionCloser {
    private static final System.Logger LOG = System.getLogger(SessionCloser.class.getName());

    private final SessionRegistry registry;
    private final EventRecorder recorder;
    private final Snowflake ids;
    private final Clock clock;
    private final DevicePresence presence;
    private final CloseWait closeWait;

    SessionCloser(SessionRegistry registry, EventRecorder recorder, Snowflake ids, Clock clock,
                  DevicePresence presence, CloseWait closeWait) {
        this.registry = registry;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.presence = presence;
        this.closeWait = closeWait;
    }

    void close(DeviceSession session, CloseCode code) {
        close(session, code, code.reason());
    }

    /** Closes from the server side and records the end of the session at once. */
    void close(DeviceSession session, CloseCode code, String reason) {
        closeWait.closing(session, clock.millis());
        session.close(code, reason);
        ended(session, reason);
    }

    /**
     * Closing writes a frame, which can block on a stuck peer: never on the caller's thread (a
     * sweep, an event listener), and only one closing thread per session however often it is asked.
     *
     * @param farewell a message sent just before the close frame (an {@code auth_error} saying why)
     */
    void closeAsync(DeviceSession session, CloseCode code, String reason, Optional<Body> farewell) {
        if (session.startClosing()) {
            Thread.ofVirtual().start(() -> {
                farewell.ifPresent(session::send);
                close(session, code, reason);
            });
        }
    }

    /** The connection ended, whoever closed it. Runs once per session. */
    void ended(DeviceSession session, String clientReason) {
        if (!session.markEnded()) {
            return;
        }
        if (registry.closed(session)) {
            String reason = session.closeReason() != null ? session.closeReason() : clientReason;
            // A session replaced by one on another node ends without taking the device offline.
            boolean offline = releasePresence(session.deviceId(), session.epoch());
            recorder.record(new DeviceEvent(ids.nextId(), session.deviceId(), clock.instant(),
                    EventType.DISCONNECTED, "device", DeviceState.ONLINE,
                    offline ? DeviceState.OFFLINE : DeviceState.ONLINE, offline ? reason : CloseCode.REPLACED.reason(),
                    ConnectionDetail.ofEpoch(session.epoch())));
        }
    }

    /** Drops the connections of peers that did not answer a close frame in time. */
    void sweep(long nowMillis) {
        closeWait.sweep(nowMillis);
    }

    /** Connections dropped because the peer did not answer the close frame (for metrics). */
    long closeWaitsExpired() {
        return closeWait.dropped();
    }

    private boolean releasePresence(DeviceId device, long epoch) {
        try {
            return presence.released(device, epoch);
        } catch (RoostException e) {
            LOG.log(System.Logger.Level.WARNING, "device {0} went offline here; its cluster-wide presence was not "
                    + "updated: {1}", device, e.getMessage());
            return true;
        }
    }
}
