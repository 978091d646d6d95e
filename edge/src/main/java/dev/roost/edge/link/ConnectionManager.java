package dev.roost.edge.link;

import dev.roost.protocol.Body;
import dev.roost.protocol.CloseCode;
import dev.roost.protocol.MessageType;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.protocol.ProtocolErrorCode;
import dev.roost.protocol.ProtocolException;
import io.netty.channel.EventLoop;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The one reconnect loop of one device: connects, authenticates (session token first, the secret
 * when the token is refused or expired), keeps the link alive with heartbeats, declares it dead
 * after two silent heartbeat intervals, and reconnects with backoff — forever unless told
 * otherwise. Every state change runs on the device's event loop, so there is never a second loop or
 * a race between a late close and a new connection. Session tokens outlive the process through a
 * {@link SessionTokenStore}.
 *
 * <p>With several server URIs the loop fails over without a load balancer: a failed attempt and a
 * lost link both move to the next URI, round the list; an immediate retry (an agent restart, a
 * refused session token) stays on the same one. The backoff is one sequence across the list — it
 * grows with each failed attempt whichever URI it went to, and resets once a link stayed up — so a
 * fleet whose node died spreads its reconnects over the jittered waits instead of rushing the next
 * node at once. A live link is never moved back to an earlier URI.
 *
 * <p>Over ~300 lines because it is the link's one state machine (connecting, authenticating, live,
 * backing off, stopped) on one event loop; its pieces that need no loop state (backoff, credentials,
 * token store, TLS) are already classes of their own.
 */
public final class ConnectionManager {
    private static final System.Logger LOG = System.getLogger(ConnectionManager.class.getName());
    private static final Set<MessageType> UPLINK_ONLY = EnumSet.of(MessageType.AUTH, MessageType.STATUS,
            MessageType.DESIRED_APPLIED, MessageType.COMMAND_ACK, MessageType.COMMAND_RESULT);
    private static final long DEFAULT_HEARTBEAT_MS = 30_000;

    private enum State { STOPPED, WAITING, CONNECTING, AUTHENTICATING, LIVE }

    private final LinkSettings settings;
    private final WsTransport transport;
    private final EventLoop loop;
    private final Ticker ticker;
    /** The ticker's clock: heartbeats, dead-link checks and token expiry read the time the ticks carry. */
    private final Clock clock;
    private final PduCodec codec;
    private final LinkSession session;
    private final LinkMetrics metrics;
    private final Backoff backoff;
    private final SessionTokenStore tokens;
    private final AtomicLong ids = new AtomicLong();
    private final LongConsumer tick = this::tick;
    private final CompletableFuture<Void> gaveUp = new CompletableFuture<>();

    private State state = State.STOPPED;
    private Attempt current;
    private Optional<SessionToken> token = Optional.empty();
    private int serverIndex;
    private volatile URI server;
    private boolean everLive;
    private boolean retryAtOnce;
    private long retryAfterMs;
    private ScheduledFuture<?> pendingRetry;
    private long heartbeatMs = DEFAULT_HEARTBEAT_MS;
    private long attemptStartedAt;
    private long liveSince;
    private long lastReceivedAt;
    private volatile long lastSentAt;
    private String pingId;
    private long pingSentAt;
    private long pingSentNanos;

    public ConnectionManager(LinkSettings settings, WsTransport transport, EventLoop loop, Ticker ticker,
                             PduCodec codec, LinkSession session, LinkMetrics metrics, Backoff backoff,
                             SessionTokenStore tokens) {
        this.settings = settings;
        this.transport = transport;
        this.loop = loop;
        this.ticker = ticker;
        this.clock = ticker.clock();
        this.codec = codec;
        this.session = session;
        this.metrics = metrics;
        this.backoff = backoff;
        this.tokens = tokens;
        this.server = settings.serverUris().getFirst();
    }

    /** The server URI of the current or, between attempts, the last attempt. */
    public URI server() {
        return server;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Starts the loop with the stored session token, if any; the first attempt is immediate. */
    public void start() {
        loop.execute(() -> {
            if (state == State.STOPPED) {
                token = tokens.load(clock.instant());
                ticker.register(loop, tick);
                connect();
            }
        });
    }

    /** Closes the link with 1000 and ends the loop. */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        loop.execute(() -> {
            halt();
            if (current != null) {
                current.close(CloseCode.NORMAL.code(), "client close");
            }
            stopped.complete(null);
        });
        return stopped;
    }

    /** Drops the current link and connects again at once (an agent restart). */
    public void reconnectNow() {
        loop.execute(() -> {
            if (state == State.STOPPED) {
                return;
            }
            retryAtOnce = true;
            if (current != null) {
                current.close(CloseCode.NORMAL.code(), "agent restart");
            } else {
                cancelRetry();
                connect();
            }
        });
    }

    /** Completes when {@code max-attempts} failed attempts in a row ended the loop. */
    public CompletableFuture<Void> gaveUp() {
        return gaveUp;
    }

    /** Whether an authenticated session is up (a snapshot, for tests and summaries). */
    public boolean isLive() {
        return state == State.LIVE;
    }

    private void halt() {
        state = State.STOPPED;
        cancelRetry();
        ticker.unregister(loop, tick);
    }

    private void cancelRetry() {
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
            pendingRetry = null;
        }
    }

    private void connect() {
        pendingRetry = null;
        state = State.CONNECTING;
        attemptStartedAt = clock.millis();
        current = new Attempt();
        LOG.log(System.Logger.Level.DEBUG, "connecting to {0}", server);
        transport.connect(server, settings.tls(), settings.sourceAddress(), settings.connectTimeout(),
                loop, current);
    }

    private void scheduleReconnect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.WAITING;
        Duration delay;
        if (retryAtOnce) {
            retryAtOnce = false;
            delay = Duration.ZERO;
        } else {
            if (backoff.exhausted()) {
                LOG.log(System.Logger.Level.WARNING, "giving up after {0} failed attempts",
                        Integer.toString(backoff.attempts()));
                halt();
                gaveUp.complete(null);
                return;
            }
            nextServer();
            delay = backoff.next();
            if (retryAfterMs > delay.toMillis()) {
                delay = Duration.ofMillis(retryAfterMs);
            }
        }
        retryAfterMs = 0;
        LOG.log(System.Logger.Level.DEBUG, "reconnecting in {0} ms", Long.toString(delay.toMillis()));
        pendingRetry = loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void nextServer() {
        serverIndex = (serverIndex + 1) % settings.serverUris().size();
        server = settings.serverUris().get(serverIndex);
    }

    private void tick(long now) {
        if (state == State.AUTHENTICATING && now - attemptStartedAt > settings.connectTimeout().toMillis()) {
            LOG.log(System.Logger.Level.WARNING, "no answer to auth within {0} ms",
                    Long.toString(settings.connectTimeout().toMillis()));
            current.close(CloseCode.NORMAL.code(), "auth timeout");
        } else if (state == State.LIVE) {
            heartbeat(now);
        }
        session.onTick(now);
    }

    private void heartbeat(long now) {
        if (backoff.attempts() > 0 && now - liveSince >= settings.backoff().healthyAfter().toMillis()) {
            backoff.reset();
        }
        if (now - lastReceivedAt > 2 * heartbeatMs) {
            LOG.log(System.Logger.Level.WARNING, "dead link: nothing from the server for {0} ms",
                    Long.toString(now - lastReceivedAt));
            current.close(CloseCode.NORMAL.code(), "heartbeat timeout");
            return;
        }
        boolean due = settings.alwaysPing()
                ? now - pingSentAt >= heartbeatMs
                : now - lastSentAt >= heartbeatMs || now - lastReceivedAt >= heartbeatMs;
        if (due && (pingId == null || now - pingSentAt >= heartbeatMs)) {
            pingSentAt = now;
            pingSentNanos = System.nanoTime();
            pingId = current.link.send(new Messages.Ping()).orElse(null);
        }
    }

    /** One connect attempt and, if it authenticates, its session. Stale attempts change nothing. */
    private final class Attempt implements WsConnection.Listener {
        private final AttemptLink link = new AttemptLink();
        private WsConnection connection;
        private boolean usedToken;
        private boolean closing;

        @Override
        public void onOpen(WsConnection opened) {
            connection = opened;
            if (this != current || state == State.STOPPED) {
                opened.close(CloseCode.NORMAL.code(), "client close");
                return;
            }
            state = State.AUTHENTICATING;
            attemptStartedAt = clock.millis();
            if (token.isPresent() && token.get().isExpiredAt(Instant.ofEpochMilli(attemptStartedAt))) {
                LOG.log(System.Logger.Level.DEBUG, "session token expired at {0}; using the secret",
                        token.get().expiresAt());
                forgetToken();
            }
            Messages.Auth auth = token
                    .map(t -> new Messages.Auth(null, null, null, t.value(), settings.agentVersion()))
                    .orElseGet(() -> settings.credentials().auth(settings.agentVersion()));
            usedToken = token.isPresent();
            write(Pdu.of(nextId(), auth));
        }

        @Override
        public void onText(WsConnection from, String text) {
            if (this != current) {
                return;
            }
            lastReceivedAt = clock.millis();
            Pdu pdu;
            try {
                pdu = codec.decode(text);
            } catch (ProtocolException e) {
                refuse(e);
                return;
            }
            try {
                dispatch(pdu);
            } catch (ProtocolException e) {
                refuse(e.withMessageId(pdu.id()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "failed to handle " + pdu.type().wireName(), e);
                write(Pdu.reply(nextId(), pdu.id(), new Messages.Error(ProtocolErrorCode.INTERNAL.name(),
                        "the agent failed to handle this message")));
            }
        }

        @Override
        public void onBinary(WsConnection from) {
            refuse(new ProtocolException(ProtocolErrorCode.BAD_FRAME, "binary frames are not supported"));
        }

        private void refuse(ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "bad downlink message: {0} {1}", e.code(), e.getMessage());
            write(new Pdu(nextId(), e.messageId(), 0, new Messages.Error(e.code().name(), e.getMessage())));
        }

        private void dispatch(Pdu pdu) {
            MessageType type = pdu.type();
            if (UPLINK_ONLY.contains(type)) {
                throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE, "'" + type.wireName()
                        + "' is an uplink message");
            }
            switch (type) {
                case PING -> write(Pdu.reply(nextId(), pdu.id(), new Messages.Pong()));
                case PONG -> {
                    if (pingId != null && pdu.replyTo().filter(pingId::equals).isPresent()) {
                        metrics.pingRoundTrip(System.nanoTime() - pingSentNanos);
                        pingId = null;
                    }
                }
                case AUTH_OK -> authenticated(pdu.body(Messages.AuthOk.class));
                case AUTH_ERROR -> refused(pdu.body(Messages.AuthError.class));
                case ERROR -> {
                    Messages.Error error = pdu.body(Messages.Error.class);
                    LOG.log(System.Logger.Level.WARNING, "server reported {0}: {1}", error.code(), error.message());
                    if (state == State.LIVE) {
                        session.onMessage(link, pdu);
                    }
                }
                default -> {
                    if (state != State.LIVE) {
                        throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE, "'" + type.wireName()
                                + "' before auth_ok");
                    }
                    session.onMessage(link, pdu);
                }
            }
        }

        private void authenticated(Messages.AuthOk ok) {
            if (state != State.AUTHENTICATING) {
                throw new ProtocolException(ProtocolErrorCode.UNEXPECTED_MESSAGE, "auth_ok without auth");
            }
            state = State.LIVE;
            link.live = true;
            token = issuedToken(ok);
            token.ifPresentOrElse(tokens::save, tokens::clear);
            heartbeatMs = ok.heartbeatIntervalMs() > 0 ? ok.heartbeatIntervalMs() : DEFAULT_HEARTBEAT_MS;
            liveSince = clock.millis();
            lastSentAt = liveSince;
            pingSentAt = liveSince;
            pingId = null;
            LOG.log(System.Logger.Level.INFO, "connected as device {0} to {3} (heartbeat {1} ms{2})", ok.deviceId(),
                    Long.toString(heartbeatMs), usedToken ? ", session token" : "", server);
            metrics.connected(everLive);
            everLive = true;
            session.onLive(link, ok);
        }

        private void refused(Messages.AuthError error) {
            LOG.log(System.Logger.Level.WARNING, "authentication refused: {0} {1}", error.code(), error.message());
            metrics.attemptFailed("auth_error " + error.code());
            if (usedToken && (Messages.AuthError.TOKEN_EXPIRED.equals(error.code())
                    || Messages.AuthError.INVALID_CREDENTIALS.equals(error.code()))) {
                forgetToken();
                retryAtOnce = true;
            }
            retryAfterMs = Math.max(0, error.retryAfterMs());
            close(CloseCode.NORMAL.code(), "auth failed");
        }

        @Override
        public void onClosed(int code, String reason) {
            link.live = false;
            if (this != current) {
                return;
            }
            current = null;
            if (state == State.LIVE) {
                LOG.log(System.Logger.Level.INFO, "disconnected: {0} {1}", Integer.toString(code), reason);
                metrics.disconnected(code, reason);
                session.onDown();
            } else if (state != State.STOPPED && !closing) {
                // A TLS failure is a configuration problem on one side or the other: say so loudly.
                LOG.log(code == CloseCode.TLS_FAILED.code() ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                        "connect attempt to {0} failed: {1} {2}", server, Integer.toString(code), reason);
                metrics.attemptFailed(reason);
            }
            scheduleReconnect();
        }

        void close(int code, String reason) {
            closing = true;
            link.live = false;
            if (connection != null) {
                connection.close(code, reason);
            }
        }

        private void write(Pdu pdu) {
            if (connection != null && connection.send(codec.encode(pdu))) {
                lastSentAt = clock.millis();
            }
        }

        /** The session's view of this attempt; dead as soon as the attempt ends. */
        private final class AttemptLink implements Link {
            private volatile boolean live;

            @Override
            public Optional<String> send(Body body) {
                if (!live) {
                    return Optional.empty();
                }
                String id = nextId();
                return sendPdu(Pdu.of(id, body)) ? Optional.of(id) : Optional.empty();
            }

            @Override
            public boolean reply(String replyTo, Body body) {
                return live && sendPdu(Pdu.reply(nextId(), replyTo, body));
            }

            @Override
            public boolean isLive() {
                return live && connection.isOpen();
            }

            private boolean sendPdu(Pdu pdu) {
                if (connection.send(codec.encode(pdu))) {
                    lastSentAt = clock.millis();
                    return true;
                }
                return false;
            }
        }
    }

    private static Optional<SessionToken> issuedToken(Messages.AuthOk ok) {
        if (ok.sessionToken() == null || ok.sessionToken().isEmpty()) {
            return Optional.empty();
        }
        Instant expiresAt = ok.sessionTokenExpiresAt() > 0 ? Instant.ofEpochMilli(ok.sessionTokenExpiresAt())
                : SessionToken.NO_EXPIRY;
        return Optional.of(new SessionToken(Objects.requireNonNullElse(ok.deviceId(), ""), ok.sessionToken(),
                expiresAt));
    }

    private void forgetToken() {
        token = Optional.empty();
        tokens.clear();
    }

    private String nextId() {
        return "d-" + ids.incrementAndGet();
    }
}
