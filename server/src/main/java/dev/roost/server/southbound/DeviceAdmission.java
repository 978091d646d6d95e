package dev.roost.server.southbound;

import dev.roost.protocol.CloseCode;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.ProtocolErrorCode;
import dev.roost.protocol.ProtocolException;
import dev.roost.server.command.CommandService;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Snowflake;
import dev.roost.server.common.Text;
import dev.roost.server.device.DevicePresence;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.ConnectionDetail;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.event.EventType;
import dev.roost.server.status.DesiredState;
import dev.roost.server.status.DesiredStateService;
import dev.roost.server.status.StatusService;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Admission of a connection (docs/protocol.md §3): an {@code auth} is checked against the address
 * throttle, queued for a login worker, checked against the credentials, and answered with
 * {@code auth_ok} once the session is bound as the device's live one; every refusal is an
 * {@code auth_error} and a 4003 close. Devices disabled or decommissioned while online are told
 * the same way.
 */
final class DeviceAdmission {
    private static final System.Logger LOG = System.getLogger(DeviceAdmission.class.getName());
    /** How long a disable is remembered for logins whose credentials were read before it committed. */
    private static final Duration REFUSAL_MEMORY = Duration.ofMinutes(1);
    /** The agent version a connected event keeps; it is device-chosen text. */
    private static final int MAX_AGENT_VERSION = 64;

    private final SouthboundSettings settings;
    private final SessionRegistry registry;
    private final DeviceAuthenticator authenticator;
    private final EventRecorder recorder;
    private final Snowflake ids;
    private final StatusService status;
    private final DesiredStateService desired;
    private final CommandService commands;
    private final Clock clock;
    private final DevicePresence presence;
    private final SessionCloser closer;
    private final LoginQueue logins;
    private final ConcurrentMap<Long, Long> refusedDevices = new ConcurrentHashMap<>();
    /** Set at shutdown: logins that arrive while the listener still runs are turned away. */
    private volatile boolean stopping;

    DeviceAdmission(SouthboundSettings settings, SessionRegistry registry, DeviceAuthenticator authenticator,
                    EventRecorder recorder, Snowflake ids, StatusService status, DesiredStateService desired,
                    CommandService commands, Clock clock, DevicePresence presence, SessionCloser closer) {
        this.settings = settings;
        this.registry = registry;
        this.authenticator = authenticator;
        this.recorder = recorder;
        this.ids = ids;
        this.status = status;
        this.desired = desired;
        this.commands = commands;
        this.clock = clock;
        this.presence = presence;
        this.closer = closer;
        // A queued login must finish well inside the auth timeout, or the sweep closes it without a hint.
        this.logins = new LoginQueue(settings.loginWorkers(), settings.loginQueue(),
                settings.authTimeout().multipliedBy(3).dividedBy(4));
    }

    boolean stopping() {
        return stopping;
    }

    /** Turns away new logins and stops the login workers. */
    void stop() {
        stopping = true;
        logins.close();
    }

    int loginsWaiting() {
        return logins.waiting();
    }

    /** An {@code auth} whose body is invalid (no credentials, a wrong type): {@code BAD_REQUEST}. */
    void badRequest(DeviceSession session, ProtocolException e) {
        refuse(session, e.messageId().orElse(null), Messages.AuthError.BAD_REQUEST,
                e.code().name() + ": " + e.getMessage(), Duration.ZERO);
    }

    /**
     * Queues the login of an {@code auth} and returns: the login worker answers it, and hands what
     * the login threw to {@code failed}. The connection's thread never waits for a login. A virtual
     * thread keeps, for the connection's life, a stack chunk as large as the deepest stack it ever
     * parked with; parked here instead of in its socket read, every idle session kept a larger one.
     * Until the answer, the connection's next frames are handled as before an auth (protocol.md §3).
     */
    void authenticate(DeviceSession session, Pdu pdu, Consumer<RuntimeException> failed) {
        if (stopping) {
            closer.close(session, CloseCode.SERVER_SHUTDOWN);
            return;
        }
        Messages.Auth auth = pdu.body(Messages.Auth.class);
        // A throttled address never takes a place in the queue or a worker.
        Optional<DeviceAuthenticator.Refused> throttled = authenticator.throttled(auth, session.remote());
        if (throttled.isPresent()) {
            refuse(session, pdu.id(), throttled.get().code(), throttled.get().message(), throttled.get().retryAfter());
            return;
        }
        if (!session.queueLogin()) {
            throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE,
                    "an auth of this connection is being checked; wait for its answer");
        }
        // Logins queue for a few workers: in a storm the database and bcrypt see a bounded load in
        // arrival order, and the surplus beyond the queue is told when to come back.
        Optional<CompletableFuture<Void>> login = logins.submit(() -> {
            login(session, pdu, auth);
            return null;
        });
        if (login.isEmpty()) {
            session.loginFailed();
            refuse(session, pdu.id(), Messages.AuthError.RATE_LIMITED,
                    "the server is admitting other devices; retry later", Duration.ofMillis(logins.retryAfterMillis()));
            return;
        }
        login.get().whenComplete((ignored, failure) -> {
            if (failure != null) {
                failed.accept(failure instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(failure));
            }
        });
    }

    private void refuse(DeviceSession session, String replyTo, String code, String message, Duration retryAfter) {
        session.reply(replyTo, new Messages.AuthError(code, message, retryAfter.toMillis()));
        closer.close(session, CloseCode.AUTH_FAILED, CloseCode.AUTH_FAILED.reason(code));
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
            refuse(session, pdu.id(), refused.code(), refused.message(), refused.retryAfter());
            // Logged against the claimed device (its state stays as it is): visible brute force.
            refused.device().ifPresent(claimed -> recorder.record(new DeviceEvent(ids.nextId(), claimed.id(),
                    clock.instant(), EventType.DISCONNECTED, "device", claimed.state(), claimed.state(),
                    "auth error: " + refused.code(), ConnectionDetail.of(session.epoch(), session.remote()))));
            return;
        }
        try {
            admit(session, pdu, auth, (DeviceAuthenticator.Accepted) outcome);
        } catch (RuntimeException e) {
            // The session may be bound without auth_ok: end it, so that the device logs in again.
            closer.close(session, CloseCode.INTERNAL_ERROR);
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
            refuse(session, pdu.id(), Messages.AuthError.DEVICE_DISABLED, "device is disabled", Duration.ZERO);
            return;
        }
        claimPresence(device, session.epoch());
        replaced.ifPresent(previous -> {
            closer.close(previous, CloseCode.REPLACED);
            // The device stays ONLINE through its new connection; the log still shows the old one ending.
            recorder.record(new DeviceEvent(ids.nextId(), device, clock.instant(), EventType.DISCONNECTED, "device",
                    DeviceState.ONLINE, DeviceState.ONLINE, CloseCode.REPLACED.reason(),
                    ConnectionDetail.ofEpoch(previous.epoch())));
        });
        ConnectionDetail detail = ConnectionDetail.of(session.epoch(), session.remote());
        if (auth.agentVersion() != null) {
            detail = detail.withAgentVersion(Text.bounded(auth.agentVersion(), MAX_AGENT_VERSION));
        }
        recorder.record(new DeviceEvent(ids.nextId(), device, clock.instant(), EventType.CONNECTED, "device",
                stateBefore(recorder.lastPresence(device).orElse(accepted.previousState()), replaced.isPresent()),
                DeviceState.ONLINE, "connected", detail));
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

    /**
     * The device's state before this connection: the last one recorded here, else the stored one
     * (which lags the log by up to one event flush). ONLINE without a session here to replace is a session that
     * ended without being recorded (a crash) or one on another node, which this connection ends.
     */
    static DeviceState stateBefore(DeviceState stored, boolean replacedHere) {
        if (replacedHere) {
            return DeviceState.ONLINE;
        }
        return stored == DeviceState.ONLINE ? DeviceState.OFFLINE : stored;
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

    /**
     * A lifecycle change: a device disabled or decommissioned while online is told so with an
     * {@code auth_error} and closed with 4003, and refused for a while to logins already past
     * their credential check.
     */
    void onDeviceEvent(DeviceEvent event) {
        if (event.type() != EventType.LIFECYCLE) {
            return;
        }
        if (event.to() == DeviceState.DISABLED || event.to() == DeviceState.DECOMMISSIONED) {
            refusedDevices.put(event.deviceId().value(), clock.millis());
            boolean disabled = event.to() == DeviceState.DISABLED;
            String code = disabled ? Messages.AuthError.DEVICE_DISABLED : Messages.AuthError.DEVICE_DECOMMISSIONED;
            registry.liveSession(event.deviceId()).ifPresent(session -> closer.closeAsync(session,
                    CloseCode.AUTH_FAILED, CloseCode.AUTH_FAILED.reason(code), Optional.of(new Messages.AuthError(code,
                            disabled ? "device is disabled" : "device is decommissioned", 0))));
        } else {
            refusedDevices.remove(event.deviceId().value());
        }
        if (refusedDevices.size() > 10_000) {
            long now = clock.millis();
            refusedDevices.values().removeIf(at -> now - at >= REFUSAL_MEMORY.toMillis());
        }
    }
}
