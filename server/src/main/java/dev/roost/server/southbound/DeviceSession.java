package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.protocol.CloseCode;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.common.DeviceId;
import dev.roost.server.security.Sources;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One device connection. Kept small: tens of thousands live at once, so its flags are fields
 * updated through {@link VarHandle}s rather than atomic objects of their own, its queue is guarded
 * by its own monitor (never held across I/O) rather than a lock object, and the peer's address is
 * read from the socket when needed rather than kept as text.
 *
 * <p>Downlink has a single writer: every sender (northbound calls, command delivery, the reader
 * replying, the sweep closing) only appends to this session's bounded outbound queue, and one
 * writer at a time drains it onto the socket (a virtual thread started when the queue stops being
 * empty, gone when it is empty again, so an idle session holds no thread). No lock is held across
 * a socket write. A device that stops reading stalls only its own writer; once its queue is full
 * the connection is dropped ({@link #MAX_QUEUED_MESSAGES}, {@link #MAX_QUEUED_CHARS}) and the
 * senders never wait. Uplink work that may wait runs in the session's {@link UplinkLane}, closed
 * with the session. The rate bucket and the fragments are touched only by the connection's own
 * reader thread; the protocol-error count also by the lane.
 *
 * <p>Over ~300 lines because it is one connection's whole state: the outbound queue and its writer,
 * the login claim shared with the auth timeout, and the reader's rate bucket and fragment assembly.
 * The writer stays in it on purpose: a writer object of its own per session would cost every idle
 * session its header and references (docs/benchmarks.md, memory per idle session).
 */
final class DeviceSession {
    /** Messages waiting for a device that does not read before its connection is dropped. */
    static final int MAX_QUEUED_MESSAGES = 1024;
    /** Characters waiting (about 1 MiB of JSON), so a few huge messages cannot pile up either. */
    static final int MAX_QUEUED_CHARS = 1 << 20;
    private static final System.Logger LOG = System.getLogger(DeviceSession.class.getName());

    private record CloseFrame(int code, String reason) {
    }

    /**
     * Who may act on a session that has not authenticated yet: its login (queued, then running), or
     * the auth timeout.
     */
    private enum LoginState { AWAITING, QUEUED, LOGGING_IN, EXPIRED }

    private static final VarHandle ENDED;
    private static final VarHandle CLOSING;
    private static final VarHandle LOGIN_STATE;
    private static final VarHandle LAST_ID;
    private static final VarHandle PROTOCOL_ERRORS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ENDED = lookup.findVarHandle(DeviceSession.class, "ended", boolean.class);
            CLOSING = lookup.findVarHandle(DeviceSession.class, "closing", boolean.class);
            LOGIN_STATE = lookup.findVarHandle(DeviceSession.class, "loginState", LoginState.class);
            LAST_ID = lookup.findVarHandle(DeviceSession.class, "lastId", long.class);
            PROTOCOL_ERRORS = lookup.findVarHandle(DeviceSession.class, "protocolErrors", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WsSession ws;
    private final PduCodec codec;
    private final long epoch;
    private final long openedAtMillis;
    private final UplinkLane uplink = new UplinkLane(UplinkLane.MAX_QUEUED);
    /** The thread that reads this connection's frames (known from the first one); it ends with the connection. */
    private volatile Thread readingThread;
    // The outbound queue and the writer flag are guarded by this session's monitor, never held across a socket write.
    /** Encoded frames and at most one {@link CloseFrame}, oldest first; created on the first send. */
    private ArrayDeque<Object> outbound;
    private int queuedChars;
    private boolean writing;
    private volatile boolean overflowed;
    private volatile boolean ended;
    private volatile boolean closing;
    private volatile LoginState loginState = LoginState.AWAITING;
    /** The number in the id of the last message this side sent. */
    private volatile long lastId;

    private volatile DeviceId deviceId;
    private volatile long lastSeenMillis;
    private volatile String closeReason;
    /** Set for a session of another dialect (FirstFrameDialect): it translates downlink messages itself. */
    private volatile Predicate<Body> downlink;
    /** Counted by the reader and the uplink lane. */
    private volatile int protocolErrors;

    // Reader-thread state.
    private double tokens;
    private long refilledAtNanos;
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

    /** True the first time only: the end of a session is recorded once. Drops the uplink work still waiting. */
    boolean markEnded() {
        if (!ENDED.compareAndSet(this, false, true)) {
            return false;
        }
        uplink.close();
        return true;
    }

    boolean isEnded() {
        return ended;
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

    /** An auth is queued for a login worker; false while another one is queued or runs, or after the timeout. */
    boolean queueLogin() {
        return LOGIN_STATE.compareAndSet(this, LoginState.AWAITING, LoginState.QUEUED);
    }

    /** True once a login claimed the session, until it failed: the auth timeout no longer applies (for tests). */
    boolean loginStarted() {
        return loginState == LoginState.LOGGING_IN;
    }

    /** Claims the session for its queued login; false when the auth timeout claimed it first. */
    boolean startLogin() {
        return LOGIN_STATE.compareAndSet(this, LoginState.QUEUED, LoginState.LOGGING_IN);
    }

    /**
     * A login failed before it could answer (the database failed), or was not queued: the auth
     * timeout applies again, and the device may send another auth.
     */
    void loginFailed() {
        if (!LOGIN_STATE.compareAndSet(this, LoginState.LOGGING_IN, LoginState.AWAITING)) {
            LOGIN_STATE.compareAndSet(this, LoginState.QUEUED, LoginState.AWAITING);
        }
    }

    /**
     * Claims the session for the auth timeout; false while its login runs (a queued login is
     * skipped). The timeout is for a device that does not authenticate, not for a server that is
     * slow to check it: a login closed while it ran would send the device auth_ok and then 4001.
     */
    boolean expireLogin() {
        return LOGIN_STATE.compareAndSet(this, LoginState.AWAITING, LoginState.EXPIRED)
                || LOGIN_STATE.compareAndSet(this, LoginState.QUEUED, LoginState.EXPIRED);
    }

    /** True for the first caller only: one closing thread per session. */
    boolean startClosing() {
        return CLOSING.compareAndSet(this, false, true);
    }

    /** The peer's address, for the failed-login limits and the device log. */
    String remote() {
        return Sources.host(ws.socketContext().remotePeer().address());
    }

    /** The certificate the TLS handshake verified, if the device presented one. */
    Optional<ClientCertificate> clientCertificate() {
        return ClientCertificate.of(ws.socketContext().remotePeer().tlsCertificates());
    }

    long epoch() {
        return epoch;
    }

    /** Where this session's uplink work that may wait runs, in arrival order. */
    UplinkLane uplink() {
        return uplink;
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
        return "s-" + ((long) LAST_ID.getAndAdd(this, 1L) + 1);
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

    /** Queues one text frame as it is for the session's writer; false when the connection is gone. */
    boolean sendText(String text) {
        synchronized (this) {
            if (closeReason != null || overflowed) {
                return false;
            }
            if (outbound == null) {
                outbound = new ArrayDeque<>(4);
            }
            if (outbound.size() >= MAX_QUEUED_MESSAGES || queuedChars + text.length() > MAX_QUEUED_CHARS) {
                overflowed = true;
                outbound.clear();
                queuedChars = 0;
            } else {
                outbound.add(text);
                queuedChars += text.length();
                startWriterLocked();
                return true;
            }
        }
        // Outside the monitor: the device stopped reading and its queue is full. Dropping the TCP
        // connection also unblocks its writer; the liveness sweep then ends the session.
        LOG.log(System.Logger.Level.WARNING, "device {0} does not read its downlink ({1} messages or {2} characters "
                + "waiting): dropping its connection", deviceId, MAX_QUEUED_MESSAGES, MAX_QUEUED_CHARS);
        dropConnection();
        return false;
    }

    /** Closes from the server side after what is already queued; the first reason wins. */
    synchronized void close(CloseCode code, String reason) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        if (outbound == null) {
            outbound = new ArrayDeque<>(1);
        }
        outbound.add(new CloseFrame(code.code(), reason));
        startWriterLocked();
    }

    /** Messages waiting for the writer (for tests and diagnostics). */
    synchronized int queued() {
        return outbound == null ? 0 : outbound.size();
    }

    private void startWriterLocked() {
        if (!writing) {
            writing = true;
            Thread.ofVirtual().name("roost-ws-writer").start(this::drain);
        }
    }

    /** The one writer: writes until the queue is empty, then ends. */
    private void drain() {
        while (true) {
            Object next;
            synchronized (this) {
                next = outbound == null ? null : outbound.poll();
                if (next == null) {
                    writing = false;
                    if (outbound != null && closeReason == null) {
                        outbound = null; // an idle session keeps no queue
                    }
                    return;
                }
                if (next instanceof String text) {
                    queuedChars -= text.length();
                }
            }
            write(next);
        }
    }

    private void write(Object item) {
        try {
            if (item instanceof CloseFrame frame) {
                ws.close(frame.code(), frame.reason());
            } else {
                ws.send((String) item, true);
            }
        } catch (RuntimeException deadPeer) {
            // The peer is gone (e.g. its TCP connection died silently). Never terminate() here: Helidon
            // unwinds the *calling* thread with it. The dead connection's own reader ends when the
            // socket errors or idles out, and the liveness sweep ends the session.
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
        return (int) PROTOCOL_ERRORS.getAndAdd(this, 1) + 1;
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
