package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.common.DeviceId;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One device connection. Kept small: tens of thousands live at once. Sends are serialised by a
 * lock because downlink messages come from many threads; uplink state (rate bucket, error count,
 * fragments) is touched only by the connection's own reader thread.
 */
final class DeviceSession {
    /** Who may act on a session that has not authenticated yet: its login, or the auth timeout. */
    private enum LoginState { AWAITING, LOGGING_IN, EXPIRED }

    private final WsSession ws;
    private final PduCodec codec;
    private final long epoch;
    private final long openedAtMillis;
    /** The thread that reads this connection's frames (known from the first one); it ends with the connection. */
    private volatile Thread readingThread;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<LoginState> loginState = new AtomicReference<>(LoginState.AWAITING);
    private final AtomicLong nextId = new AtomicLong();

    private volatile DeviceId deviceId;
    private volatile long lastSeenMillis;
    private volatile String closeReason;
    /** Set for a session of another dialect (FirstFrameDialect): it translates downlink messages itself. */
    private volatile Predicate<Body> downlink;

    // Reader-thread state.
    private double tokens;
    private long refilledAtNanos;
    private int protocolErrors;
    private int rateViolations;
    private StringBuilder fragments;

    DeviceSession(WsSession ws, PduCodec codec, long epoch, long nowMillis, int burst) {
        this.ws = ws;
        this.codec = codec;
        this.epoch = epoch;
        this.openedAtMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
        this.tokens = burst;
        this.refilledAtNanos = System.nanoTime();
    }

    /** True the first time only: the end of a session is recorded once. */
    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    boolean isEnded() {
        return ended.get();
    }

    /**
     * False once the thread reading this connection has ended. Helidon 4.5 does not tell the
     * WebSocket listener when a peer drops the TCP connection without a close frame (a crash,
     * kill -9, a lost network): the read fails outside the part of its frame loop that calls
     * onError, and the connection's thread just ends.
     */
    boolean connectionAlive() {
        Thread reading = readingThread;
        return reading == null || reading.isAlive();
    }

    /** Claims the session for its login; false when the auth timeout claimed it first. */
    boolean startLogin() {
        return loginState.compareAndSet(LoginState.AWAITING, LoginState.LOGGING_IN);
    }

    /** A login failed before it could answer (the database failed): the auth timeout applies again. */
    void loginFailed() {
        loginState.compareAndSet(LoginState.LOGGING_IN, LoginState.AWAITING);
    }

    /**
     * Claims the session for the auth timeout; false while its login runs. The timeout is for a
     * device that does not authenticate, not for a server that is slow to check it: a login
     * closed while it ran sent the device auth_ok and then 4001 (1,810 devices in a measured storm).
     */
    boolean expireLogin() {
        return loginState.compareAndSet(LoginState.AWAITING, LoginState.EXPIRED);
    }

    /** True for the first caller only: one closing thread per session. */
    boolean startClosing() {
        return closing.compareAndSet(false, true);
    }

    String remote() {
        return DeviceChannel.sourceOf(ws);
    }

    /** The certificate the TLS handshake verified, if the device presented one. */
    Optional<ClientCertificate> clientCertificate() {
        return ClientCertificate.of(ws.socketContext().remotePeer().tlsCertificates());
    }

    long epoch() {
        return epoch;
    }

    long openedAtMillis() {
        return openedAtMillis;
    }

    boolean isAuthenticated() {
        return deviceId != null;
    }

    DeviceId deviceId() {
        return deviceId;
    }

    void authenticated(DeviceId id) {
        this.deviceId = id;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** A frame arrived; called on the thread that reads this connection. */
    void seen(long nowMillis) {
        lastSeenMillis = nowMillis;
        if (readingThread == null) {
            readingThread = Thread.currentThread();
        }
    }

    /** Why the server is closing this session, when it is the server that closes it. */
    String closeReason() {
        return closeReason;
    }

    String nextMessageId() {
        return "s-" + nextId.incrementAndGet();
    }

    /** Sends a message; false when the connection is already gone. */
    boolean send(Body body) {
        Predicate<Body> translated = downlink;
        if (translated != null) {
            return translated.test(body);
        }
        return sendPdu(Pdu.of(nextMessageId(), body));
    }

    void translateDownlink(Predicate<Body> translator) {
        this.downlink = translator;
    }

    boolean reply(String replyTo, Body body) {
        return sendPdu(Pdu.reply(nextMessageId(), replyTo, body));
    }

    private boolean sendPdu(Pdu pdu) {
        return sendText(codec.encode(pdu));
    }

    /** Sends one text frame as it is, serialised with every other send; false when the connection is gone. */
    boolean sendText(String text) {
        sendLock.lock();
        try {
            if (closeReason != null) {
                return false;
            }
            ws.send(text, true);
            return true;
        } catch (RuntimeException e) {
            return false;
        } finally {
            sendLock.unlock();
        }
    }

    /** Closes from the server side; the first reason wins. */
    void close(int code, String reason) {
        sendLock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            closeReason = reason;
            ws.close(code, reason);
        } catch (RuntimeException deadPeer) {
            // The peer is gone (e.g. its TCP connection died silently). Never terminate() here: Helidon
            // unwinds the *calling* thread with it, and this may be another connection's thread. The
            // dead connection's own reader ends when the socket errors or idles out.
        } finally {
            sendLock.unlock();
        }
    }

    /** False once the TCP connection is closed, by either side. */
    boolean socketOpen() {
        return socket().map(HelidonSocket::isConnected).orElse(false);
    }

    /**
     * Closes the TCP connection without waiting for the peer's close frame; true when it was still
     * open. Unlike WsSession.terminate(), this is safe from any thread: the connection's own reader
     * fails its read and ends.
     */
    boolean dropConnection() {
        Optional<HelidonSocket> socket = socket().filter(HelidonSocket::isConnected);
        if (socket.isEmpty()) {
            return false;
        }
        try {
            socket.get().close();
        } catch (RuntimeException alreadyGone) {
            // Closed meanwhile by Helidon or the peer: the goal is reached either way.
        }
        return true;
    }

    private Optional<HelidonSocket> socket() {
        return ws.socketContext() instanceof ConnectionContext connection
                ? Optional.ofNullable(connection.serverSocket())
                : Optional.empty();
    }

    /** Takes one token from the rate bucket; false when the client is over its rate. */
    boolean tryAcquire(int ratePerSecond, int burst) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAtNanos) / 1e9 * ratePerSecond);
        refilledAtNanos = now;
        if (tokens < 1) {
            rateViolations++;
            return false;
        }
        tokens -= 1;
        return true;
    }

    int rateViolations() {
        return rateViolations;
    }

    int protocolError() {
        return ++protocolErrors;
    }

    /** Appends a fragment; returns the whole text when {@code last}, or null while more follows. */
    String assemble(String fragment, boolean last, int maxChars) {
        if (fragments == null && last) {
            return fragment;
        }
        if (fragments == null) {
            fragments = new StringBuilder();
        }
        fragments.append(fragment);
        if (fragments.length() > maxChars) {
            fragments = null;
            throw new FrameTooLargeException();
        }
        if (!last) {
            return null;
        }
        String whole = fragments.toString();
        fragments = null;
        return whole;
    }

    /** A message larger than the configured maximum. */
    static final class FrameTooLargeException extends RuntimeException {
        FrameTooLargeException() {
            super("frame too large", null, false, false);
        }
    }
}
