package dev.roost.server.southbound;

import dev.roost.protocol.CloseCode;
import dev.roost.protocol.MessageType;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.protocol.ProtocolErrorCode;
import dev.roost.protocol.ProtocolException;
import dev.roost.server.command.CommandService;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventInterest;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.event.EventType;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;
import io.helidon.websocket.WsSession;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The device channel of one server: {@link DeviceEndpoint} feeds it the frames of each connection,
 * and it passes each frame through its jobs in order — the {@link TransportGuard} (size, rate,
 * protocol errors), then {@link DeviceAdmission} until the session is authenticated, then the
 * {@link UplinkDispatcher}. Only what cannot wait runs on the connection's thread (the checks,
 * the decode, the heartbeat); an authenticated session's other messages go to its
 * {@link UplinkLane}, so that a slow database never holds up the device's {@code ping}. It also
 * runs the liveness sweep's decisions and the shutdown. The services behind it never see a socket.
 */
public final class DeviceChannel {
    private static final System.Logger LOG = System.getLogger(DeviceChannel.class.getName());
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final SouthboundSettings settings;
    private final PduCodec codec;
    private final SessionRegistry registry;
    private final Clock clock;
    private final SessionCloser closer;
    private final TransportGuard guard;
    private final DeviceAdmission admission;
    private final UplinkDispatcher uplink;
    private final LongAdder uplinkRefused = new LongAdder();

    public DeviceChannel(SouthboundSettings settings, PduCodec codec, SessionRegistry registry,
                         DeviceAuthenticator authenticator, EventRecorder recorder, StatusService status,
                         DesiredStateService desired, CommandService commands, EventBus events, Snowflake ids,
                         Clock clock, DevicePresence presence) {
        this.settings = settings;
        this.codec = codec;
        this.registry = registry;
        this.clock = clock;
        this.closer = new SessionCloser(registry, recorder, ids, clock, presence, new CloseWait(settings.closeWait()));
        this.guard = new TransportGuard(settings, codec, closer);
        this.admission = new DeviceAdmission(settings, registry, authenticator, recorder, ids, status, desired,
                commands, clock, presence, closer);
        this.uplink = new UplinkDispatcher(status, desired, commands);
        events.listen(EventInterest.types(EventType.LIFECYCLE), admission::onDeviceEvent);
    }

    /** Connections the server closed because the peer did not answer its close frame (for metrics). */
    public long closeWaitsExpired() {
        return closer.closeWaitsExpired();
    }

    /** Uplink messages refused because the session's lane was full (for metrics). */
    public long uplinkRefused() {
        return uplinkRefused.sum();
    }

    /** Logins waiting for a worker (for metrics). */
    public int loginsWaiting() {
        return admission.loginsWaiting();
    }

    DeviceSession open(WsSession ws) {
        DeviceSession session = new DeviceSession(ws, codec, registry.nextEpoch(), clock.millis(), settings.rateBurst());
        registry.opened(session);
        if (admission.stopping()) {
            closer.close(session, CloseCode.SERVER_SHUTDOWN);
        }
        return session;
    }

    void onText(DeviceSession session, String fragment, boolean last) {
        session.seen(clock.millis());
        Optional<String> text = guard.admit(session, fragment, last);
        if (text.isEmpty()) {
            return;
        }
        Pdu pdu;
        try {
            pdu = codec.decode(text.get());
        } catch (ProtocolException e) {
            if (!session.isAuthenticated() && e.messageType().orElse(null) == MessageType.AUTH) {
                admission.badRequest(session, e);
            } else {
                guard.protocolError(session, e);
            }
            return;
        }
        if (session.isAuthenticated() && UplinkDispatcher.mayWait(pdu.type())) {
            if (!handOver(session, () -> handle(session, pdu))) {
                session.reply(pdu.id(), new Messages.Error(ProtocolErrorCode.RATE_LIMITED.name(),
                        "too many messages waiting to be handled; send it again later"));
            }
        } else {
            handle(session, pdu);
        }
    }

    /**
     * Queues uplink work in the session's lane, behind the work handed over before.
     *
     * @return false when the lane is full: the work will not run (counted)
     */
    boolean handOver(DeviceSession session, Runnable work) {
        if (session.uplink().offer(work)) {
            return true;
        }
        uplinkRefused.increment();
        return false;
    }

    /** One message, on the connection's thread or in its lane; its failures are answered the same way on both. */
    private void handle(DeviceSession session, Pdu pdu) {
        try {
            route(session, pdu);
        } catch (ProtocolException e) {
            guard.protocolError(session, e.withMessageId(pdu.id()));
        } catch (RuntimeException e) {
            failed(session, pdu, e);
        }
    }

    /** The server failed on a message (wherever it ran): logged once, answered INTERNAL. */
    private void failed(DeviceSession session, Pdu pdu, RuntimeException e) {
        Optional<RoostException> known = RoostException.causeOf(e);
        if (known.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "could not handle {0}: {1}", pdu.type().wireName(),
                    known.get().getMessage());
        } else {
            LOG.log(System.Logger.Level.ERROR, "failed to handle " + pdu.type().wireName() + " from device "
                    + session.deviceId(), e);
        }
        session.reply(pdu.id(), new Messages.Error(ProtocolErrorCode.INTERNAL.name(), "the server failed to handle "
                + "this message; retry later"));
    }

    /**
     * Before auth only {@code auth} and {@code ping} are taken (also while an auth is being
     * checked). The envelope was checked first, so a message with an unknown type is
     * {@code UNKNOWN_TYPE} whatever the session's state.
     */
    private void route(DeviceSession session, Pdu pdu) {
        if (session.isAuthenticated()) {
            uplink.dispatch(session, pdu);
            return;
        }
        switch (pdu.type()) {
            case AUTH -> admission.authenticate(session, pdu, failure -> failed(session, pdu, failure));
            case PING -> session.reply(pdu.id(), new Messages.Pong());
            default -> throw new ProtocolException(ProtocolErrorCode.NOT_AUTHENTICATED,
                    "send auth first; '" + pdu.type().wireName() + "' needs an authenticated session");
        }
    }

    void onBinary(DeviceSession session) {
        session.seen(clock.millis());
        guard.binary(session);
    }

    void onPing(DeviceSession session) {
        session.seen(clock.millis());
    }

    /** The connection ended, whoever closed it. Runs once per session. */
    void ended(DeviceSession session, String clientReason) {
        closer.ended(session, clientReason);
    }

    /** Closes from the server side and records the end at once (for the other dialects' sessions). */
    void close(DeviceSession session, CloseCode code, String reason) {
        closer.close(session, code, reason);
    }

    /** Another node now holds the device's live session: close session {@code epoch} here if it is still live. */
    public void closeReplaced(DeviceId device, long epoch) {
        registry.liveSession(device).filter(session -> session.epoch() == epoch)
                .ifPresent(session -> closer.closeAsync(session, CloseCode.REPLACED, CloseCode.REPLACED.reason(),
                        Optional.empty()));
    }

    /**
     * One liveness sweep: ends dropped connections, closes ones that did not authenticate or went
     * silent, and drops the connections of peers that did not answer a close frame in time.
     */
    void sweep() {
        long now = clock.millis();
        long silence = settings.heartbeatInterval().toMillis() * 2;
        for (DeviceSession session : registry.openSessions()) {
            if (!session.connectionAlive()) {
                ended(session, CloseCode.NO_CLOSE_FRAME.reason());
            } else if (!session.isAuthenticated()) {
                if (now - session.openedAtMillis() > settings.authTimeout().toMillis() && session.expireLogin()) {
                    closer.closeAsync(session, CloseCode.AUTH_TIMEOUT, CloseCode.AUTH_TIMEOUT.reason(),
                            Optional.empty());
                }
            } else if (now - session.lastSeenMillis() > silence) {
                closer.closeAsync(session, CloseCode.HEARTBEAT_TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT.reason(),
                        Optional.empty());
            }
        }
        closer.sweep(now);
    }

    /** Closes every session for a server shutdown, waiting up to 2 s for the peers' close frames. */
    void shutdown() {
        admission.stop();
        List<DeviceSession> open = List.copyOf(registry.openSessions());
        for (DeviceSession session : open) {
            closer.close(session, CloseCode.SERVER_SHUTDOWN);
        }
        // Until the peers answered the close frame (their connections' threads end): stopping the
        // listener resets open sockets, and a reset can discard a close frame the peer has not read.
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (System.nanoTime() < deadline && open.stream().anyMatch(DeviceSession::connectionAlive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
