package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.ErrorCode;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.protocol.ProtocolException;
import dev.roost.server.command.CommandService;
import dev.roost.server.command.ResultOutcome;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Text;
import dev.roost.server.device.DeviceEvent;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.device.DeviceState;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.security.Sources;
import dev.roost.server.status.DesiredState;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;
import io.helidon.websocket.WsSession;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * The protocol logic of the device channel: authentication, dispatch of uplink messages, rate and
 * error limits, presence and the liveness sweep's decisions. {@link DeviceEndpoint} feeds it the
 * frames of one connection; the services behind it never see a socket.
 */
public final class DeviceChannel {
    private static final System.Logger LOG = System.getLogger(DeviceChannel.class.getName());

    private final SouthboundSettings settings;
    private final PduCodec codec;
    private final SessionRegistry registry;
    private final DeviceAuthenticator authenticator;
    private final EventRecorder recorder;
    private final Snowflake ids;
    private final StatusService status;
    private final DesiredStateService desired;
    private final CommandService commands;
    private final Clock clock;
    /** Devices disabled or decommissioned lately, for connections that authenticated meanwhile. */
    private final ConcurrentMap<Long, Long> refusedDevices = new ConcurrentHashMap<>();
    private static final Duration REFUSAL_MEMORY = Duration.ofMinutes(1);
    private final LoginQueue logins;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    /** The agent version a connected event keeps; it is device-chosen text. */
    private static final int MAX_AGENT_VERSION = 64;
    private final CloseWait closeWait;
    /** Set at shutdown: connections that arrive while the listener still runs are turned away. */
    private volatile boolean stopping;
    private final DevicePresence presence;

    public DeviceChannel(SouthboundSettings settings, PduCodec codec, SessionRegistry registry,
                         DeviceAuthenticator authenticator, EventRecorder recorder, StatusService status,
                         DesiredStateService desired, CommandService commands, EventBus events, Snowflake ids,
                         Clock clock, DevicePresence presence) {
        this.settings = settings;
        this.codec = codec;
        this.registry = registry;
        this.authenticator = authenticator;
        this.recorder = recorder;
        this.ids = ids;
        this.status = status;
        this.desired = desired;
        this.commands = commands;
        this.clock = clock;
        this.presence = presence;
        // A queued login must finish well inside the auth timeout, or the sweep closes it without a hint.
        this.logins = new LoginQueue(settings.loginWorkers(), settings.loginQueue(),
                settings.authTimeout().multipliedBy(3).dividedBy(4));
        this.closeWait = new CloseWait(settings.closeWait());
        events.listen(this::closeRefusedDevices);
    }

    /** Connections the server closed because the peer did not answer its close frame (for metrics). */
    public long closeWaitsExpired() {
        return closeWait.dropped();
    }

    /** Logins waiting for a worker (for metrics). */
    public int loginsWaiting() {
        return logins.waiting();
    }

    DeviceSession open(WsSession ws) {
        DeviceSession session = new DeviceSession(ws, codec, registry.nextEpoch(), clock.millis(), settings.rateBurst());
        registry.opened(session);
        if (stopping) {
            close(session, 1001, "server shutdown");
        }
        return session;
    }

    void onText(DeviceSession session, String fragment, boolean last) {
        session.seen(clock.millis());
        String text;
        try {
            text = session.assemble(fragment, last, settings.maxFrameBytes());
        } catch (DeviceSession.FrameTooLargeException e) {
            close(session, 1009, "frame too large");
            return;
        }
        if (text == null) {
            return;
        }
        // A UTF-8 byte count is needed only where characters alone could not decide it.
        if (text.length() > settings.maxFrameBytes() || (text.length() * 3L > settings.maxFrameBytes()
                && text.getBytes(StandardCharsets.UTF_8).length > settings.maxFrameBytes())) {
            close(session, 1009, "frame too large");
            return;
        }
        if (!session.tryAcquire(settings.ratePerSecond(), settings.rateBurst())) {
            if (session.rateViolations() >= SouthboundSettings.MAX_RATE_VIOLATIONS) {
                close(session, 4029, "rate limit exceeded");
            } else {
                session.send(new Messages.Error(ErrorCode.RATE_LIMITED.name(), "message dropped: above "
                        + settings.ratePerSecond() + " messages/s"));
            }
            return;
        }
        Pdu pdu;
        try {
            pdu = codec.decode(text);
        } catch (ProtocolException e) {
            protocolError(session, e);
            return;
        }
        try {
            dispatch(session, pdu);
        } catch (ProtocolException e) {
            protocolError(session, e.withMessageId(pdu.id()));
        } catch (RuntimeException e) {
            if (RoostException.causeOf(e).isPresent()) {
                LOG.log(System.Logger.Level.WARNING, "could not handle {0}: {1}", pdu.type().wireName(),
                        RoostException.causeOf(e).get().getMessage());
            } else {
                LOG.log(System.Logger.Level.ERROR, "failed to handle " + pdu.type().wireName() + " from device "
                        + session.deviceId(), e);
            }
            session.reply(pdu.id(), new Messages.Error(ErrorCode.INTERNAL.name(), "the server failed to handle "
                    + "this message; retry later"));
        }
    }

    void onBinary(DeviceSession session) {
        session.seen(clock.millis());
        protocolError(session, new ProtocolException(ErrorCode.BAD_FRAME, "binary frames are not supported"));
    }

    void onPing(DeviceSession session) {
        session.seen(clock.millis());
    }

    private void dispatch(DeviceSession session, Pdu pdu) {
        if (!session.isAuthenticated()) {
            switch (pdu.type()) {
                case AUTH -> authenticate(session, pdu);
                case PING -> session.reply(pdu.id(), new Messages.Pong());
                default -> throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED,
                        "send auth first; '" + pdu.type().wireName() + "' needs an authenticated session");
            }
            return;
        }
        DeviceId device = session.deviceId();
        switch (pdu.type()) {
            case PING -> session.reply(pdu.id(), new Messages.Pong());
            case PONG, ERROR -> LOG.log(System.Logger.Level.DEBUG, "{0} from device {1}", pdu.type(), device);
            case STATUS -> session.reply(pdu.id(), status.report(device, pdu.body(Messages.Status.class)));
            case DESIRED_APPLIED -> desired.applied(device, pdu.body(Messages.DesiredApplied.class));
            case COMMAND_ACK -> {
                if (!commands.acked(device, pdu.body(Messages.CommandAck.class).commandId())) {
                    throw unknownCommand(pdu.body(Messages.CommandAck.class).commandId());
                }
            }
            case COMMAND_RESULT -> storeResult(session, pdu);
            case AUTH -> throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "already authenticated");
            default -> throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE,
                    "'" + pdu.type().wireName() + "' is a downlink message");
        }
    }


    /**
     * Hands the result to the command service's result workers: this connection reads on while the
     * database stores it, and the answer (protocol.md, {@code command_result_ack}) follows once it is
     * stored. A result that cannot be taken now is refused at once; the device sends it again.
     */
    private void storeResult(DeviceSession session, Pdu pdu) {
        Messages.CommandResult result = pdu.body(Messages.CommandResult.class);
        boolean taken = commands.finishLater(session.deviceId(), result,
                outcome -> answerResult(session, pdu.id(), result.commandId(), outcome));
        if (!taken) {
            session.reply(pdu.id(), new Messages.Error(ErrorCode.RATE_LIMITED.name(), "too many results waiting "
                    + "to be stored; send it again later"));
        }
    }

    private static void answerResult(DeviceSession session, String resultId, String commandId, ResultOutcome outcome) {
        Body answer = switch (outcome) {
            case STORED, DUPLICATE -> new Messages.CommandResultAck(commandId);
            case UNKNOWN -> new Messages.Error(ErrorCode.UNKNOWN_COMMAND.name(), "no running command " + commandId
                    + " for this device");
            case FAILED -> new Messages.Error(ErrorCode.INTERNAL.name(), "the result could not be stored; send it "
                    + "again later");
        };
        // Only enqueued: the session's own writer sends it, so a device slow to read holds up nobody.
        session.reply(resultId, answer);
    }

    private static ProtocolException unknownCommand(String commandId) {
        return new ProtocolException(ErrorCode.UNKNOWN_COMMAND, "no running command " + commandId
                + " for this device");
    }

    private void authenticate(DeviceSession session, Pdu pdu) {
        if (stopping) {
            close(session, 1001, "server shutdown");
            return;
        }
        Messages.Auth auth = pdu.body(Messages.Auth.class);
        // A throttled address never takes a place in the queue or a worker.
        Optional<DeviceAuthenticator.Refused> throttled = authenticator.throttled(auth, session.remote());
        if (throttled.isPresent()) {
            session.reply(pdu.id(), new Messages.AuthError(throttled.get().code(), throttled.get().message(),
                    throttled.get().retryAfter().toMillis()));
            close(session, 4003, "auth failed: " + throttled.get().code());
            return;
        }
        // Logins queue for a few workers: in a storm the database and bcrypt see a bounded load in
        // arrival order, and the surplus beyond the queue is told when to come back.
        Optional<CompletableFuture<Void>> login = logins.submit(() -> {
            login(session, pdu, auth);
            return null;
        });
        if (login.isEmpty()) {
            session.reply(pdu.id(), new Messages.AuthError(Messages.AuthError.RATE_LIMITED,
                    "the server is admitting other devices; retry later", logins.retryAfterMillis()));
            close(session, 4003, "auth failed: " + Messages.AuthError.RATE_LIMITED);
            return;
        }
        try {
            // This connection's next frames wait for its login.
            login.get().get();
        } catch (InterruptedException e) {
            // The connection is being closed (auth timeout, shutdown); a queued login is skipped.
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * On a login worker, not the connection's thread: Helidon interrupts a connection's thread when
     * the connection is closed from elsewhere, and an interrupt inside JDBC makes the pool discard
     * its connection.
     */
    private void login(DeviceSession session, Pdu pdu, Messages.Auth auth) {
        if (session.isEnded() || !session.startLogin()) {
            return;
        }
        DeviceAuthenticator.Outcome outcome;
        try {
            outcome = authenticator.authenticate(auth, session.remote(), session.clientCertificate());
        } catch (RuntimeException e) {
            session.loginFailed();
            throw e;
        }
        if (outcome instanceof DeviceAuthenticator.Refused refused) {
            session.reply(pdu.id(), new Messages.AuthError(refused.code(), refused.message(),
                    refused.retryAfter().toMillis()));
            close(session, 4003, "auth failed: " + refused.code());
            // Logged against the claimed device (its state stays as it is): visible brute force.
            refused.device().ifPresent(claimed -> recorder.record(new DeviceEvent(ids.nextId(), claimed.id(),
                    clock.instant(), DeviceEvent.DISCONNECTED, "device", claimed.state(), claimed.state(),
                    "auth error: " + refused.code(), Json.text(JsonNodeFactory.instance.objectNode()
                    .put("epoch", session.epoch()).put("source", session.remote())))));
            return;
        }
        try {
            admit(session, pdu, auth, (DeviceAuthenticator.Accepted) outcome);
        } catch (RuntimeException e) {
            // The session may be bound without auth_ok: end it, so that the device logs in again.
            close(session, 1011, "internal error");
            throw e;
        }
    }

    /** Binds an authenticated session, records the connect and answers with auth_ok. */
    private void admit(DeviceSession session, Pdu pdu, Messages.Auth auth, DeviceAuthenticator.Accepted accepted) {
        DeviceId device = accepted.device().id();
        session.authenticated(device);
        Optional<DeviceSession> replaced = registry.bind(session);
        // bind and ended() each check the other's mark, so a session that ended while bcrypt ran
        // (auth timeout, shutdown) is never left bound as live.
        if (session.isEnded()) {
            registry.closed(session);
            return;
        }
        // A disable that committed after the credentials were read was published before this bind.
        Long refusedAt = refusedDevices.get(device.value());
        if (refusedAt != null && clock.millis() - refusedAt < REFUSAL_MEMORY.toMillis()) {
            close(session, 4003, "auth failed: DEVICE_DISABLED");
            return;
        }
        claimPresence(device, session.epoch());
        replaced.ifPresent(previous -> {
            close(previous, 4004, "replaced");
            // The device stays ONLINE through its new connection; the log still shows the old one ending.
            recorder.record(new DeviceEvent(ids.nextId(), device, clock.instant(), DeviceEvent.DISCONNECTED, "device",
                    DeviceState.ONLINE, DeviceState.ONLINE, "replaced",
                    Json.text(JsonNodeFactory.instance.objectNode().put("epoch", previous.epoch()))));
        });
        ObjectNode detail = JsonNodeFactory.instance.objectNode().put("epoch", session.epoch())
                .put("source", session.remote());
        if (auth.agentVersion() != null) {
            detail.put("agent_version", Text.bounded(auth.agentVersion(), MAX_AGENT_VERSION));
        }
        recorder.record(new DeviceEvent(ids.nextId(), device, clock.instant(), DeviceEvent.CONNECTED, "device",
                accepted.previousState(), DeviceState.ONLINE, "connected", Json.text(detail)));
        Instant now = clock.instant();
        Instant tokenExpiry = now.plus(settings.sessionTokenTtl());
        int queued = commands.pendingCount(device);
        DesiredState wanted = desired.current(device);
        session.reply(pdu.id(), new Messages.AuthOk(device.toString(), now.toEpochMilli(),
                settings.heartbeatInterval().toMillis(), authenticator.issueToken(accepted.device(), tokenExpiry),
                tokenExpiry.toEpochMilli(), status.reportedVersion(device), wanted.version(), queued));
        desired.pushIfBehind(wanted);
        if (queued > 0) {
            commands.deliverAfterReconnect(device);
        }
    }

    private void protocolError(DeviceSession session, ProtocolException e) {
        int errors = session.protocolError();
        session.reply(e.messageId().orElse(null), new Messages.Error(e.code().name(), e.getMessage()));
        if (errors >= SouthboundSettings.MAX_PROTOCOL_ERRORS) {
            close(session, 4400, "protocol error: too many invalid messages");
        }
    }

    /** Closes from the server side and records the end of the session at once. */
    void close(DeviceSession session, int code, String reason) {
        closeWait.closing(session, clock.millis());
        session.close(code, reason);
        ended(session, reason);
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
                    DeviceEvent.DISCONNECTED, "device", DeviceState.ONLINE,
                    offline ? DeviceState.OFFLINE : DeviceState.ONLINE, offline ? reason : "replaced",
                    Json.text(JsonNodeFactory.instance.objectNode().put("epoch", session.epoch()))));
        }
    }

    /** Another node now holds the device's live session: close session {@code epoch} here if it is still live. */
    public void closeReplaced(DeviceId device, long epoch) {
        registry.liveSession(device).filter(session -> session.epoch() == epoch)
                .ifPresent(session -> closeAsync(session, 4004, "replaced"));
    }

    /** Presence is kept cluster-wide where it can be: while NATS is away, the node serves its devices anyway. */
    private void claimPresence(DeviceId device, long epoch) {
        try {
            presence.claimed(device, epoch);
        } catch (RoostException e) {
            LOG.log(System.Logger.Level.WARNING, "device {0} is served here, but its presence was not recorded "
                    + "cluster-wide (put back when NATS returns): {1}", device, e.getMessage());
        }
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

    /**
     * One liveness sweep: ends dropped connections, closes ones that did not authenticate or went
     * silent, and drops the connections of peers that did not answer a close frame in time.
     */
    void sweep() {
        long now = clock.millis();
        long silence = settings.heartbeatInterval().toMillis() * 2;
        for (DeviceSession session : registry.openSessions()) {
            if (!session.connectionAlive()) {
                ended(session, "connection lost");
            } else if (!session.isAuthenticated()) {
                if (now - session.openedAtMillis() > settings.authTimeout().toMillis() && session.expireLogin()) {
                    closeAsync(session, 4001, "auth timeout");
                }
            } else if (now - session.lastSeenMillis() > silence) {
                closeAsync(session, 4008, "heartbeat timeout");
            }
        }
        closeWait.sweep(now);
    }

    /**
     * Closing writes a frame, which can block on a stuck peer: never on the sweep's thread, and
     * only one closing thread per session however often the sweep finds it.
     */
    private void closeAsync(DeviceSession session, int code, String reason) {
        if (session.startClosing()) {
            Thread.ofVirtual().start(() -> close(session, code, reason));
        }
    }

    /** Closes every session for a server shutdown. */
    void shutdown() {
        stopping = true;
        logins.close();
        List<DeviceSession> open = List.copyOf(registry.openSessions());
        for (DeviceSession session : open) {
            close(session, 1001, "server shutdown");
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

    private void closeRefusedDevices(DeviceEvent event) {
        if (!DeviceEvent.LIFECYCLE.equals(event.type())) {
            return;
        }
        if (event.to() == DeviceState.DISABLED || event.to() == DeviceState.DECOMMISSIONED) {
            refusedDevices.put(event.deviceId().value(), clock.millis());
            registry.liveSession(event.deviceId()).ifPresent(session -> closeAsync(session, 4003,
                    "auth failed: " + (event.to() == DeviceState.DISABLED ? "DEVICE_DISABLED" : "DEVICE_DECOMMISSIONED")));
        } else {
            refusedDevices.remove(event.deviceId().value());
        }
        if (refusedDevices.size() > 10_000) {
            long now = clock.millis();
            refusedDevices.values().removeIf(at -> now - at >= REFUSAL_MEMORY.toMillis());
        }
    }

    static String sourceOf(WsSession ws) {
        return Sources.host(ws.socketContext().remotePeer().address());
    }
}
