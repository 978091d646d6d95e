package dev.roost.server.connection;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.grpc.GrpcConnectionContext;
import io.helidon.webserver.grpc.ServerContextKeys;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every TCP connection the listener accepted and has not closed, and one sweep over them (no
 * timer per connection) that closes those holding a socket without using it:
 * <ul>
 * <li>a connection that has not finished its request headers {@code headerTimeout} after it was
 *     accepted, or after the request line of a later request (Helidon 4.5 bounds neither: a
 *     partial header stays open until the idle timeout; its {@code read-timeout} is not applied
 *     to accepted sockets). An HTTP/2 connection counts as requested at its first call;</li>
 * <li>a connection answered with {@code Connection: close} that the client keeps open (Helidon
 *     sends the header but keeps reading): closed once nothing was written to it for
 *     {@code closeWait}.</li>
 * </ul>
 * Connections are found by the peer's address and port, which is unique per connection of one
 * listener. The hooks are Helidon's: its socket options (applied to each accepted socket), its
 * HTTP/1 connection listeners, an HTTP filter and a gRPC interceptor (HTTP/2 requests).
 */
public final class ConnectionMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionMonitor.class.getName());

    enum Phase { AWAITING_HEADERS, ACTIVE, CLOSE_ASKED, CLOSING }

    private static final class Tracked {
        final SocketChannel channel;
        volatile Phase phase = Phase.AWAITING_HEADERS;
        volatile long deadlineMillis;

        Tracked(SocketChannel channel, long deadlineMillis) {
            this.channel = channel;
            this.deadlineMillis = deadlineMillis;
        }
    }

    private final long headerTimeoutMillis;
    private final long closeWaitMillis;
    private final Clock clock;
    private final ConcurrentMap<SocketAddress, Tracked> connections = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong headerTimeouts = new AtomicLong();
    private final AtomicLong closedAfterClose = new AtomicLong();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-connections").daemon().factory());
    private final Http1ConnectionListener requests = new Http1ConnectionListener() {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            requestStarted(ctx.remotePeer().address());
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (isConnectionClose(headers)) {
                closeAsked(ctx.remotePeer().address());
            } else {
                requested(ctx.remotePeer().address());
            }
        }
    };
    private final Http1ConnectionListener responses = new Http1ConnectionListener() {
        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            // Helidon answers a request that asked for Connection: close with Connection: close,
            // and then keeps reading anyway. (The header Helidon adds is not always among the
            // headers this listener sees, hence the request side's CLOSE_ASKED.)
            responding(ctx.remotePeer().address(), isConnectionClose(headers));
        }

        @Override
        public void data(ConnectionContext ctx, BufferData data) {
            wrote(ctx.remotePeer().address());
        }
    };

    public ConnectionMonitor(ConnectionSettings settings, Clock clock) {
        this.headerTimeoutMillis = settings.headerTimeout().toMillis();
        this.closeWaitMillis = settings.closeWait().toMillis();
        this.clock = clock;
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** The listener's socket options, reporting each accepted socket to this monitor. */
    public SocketOptions tracking(SocketOptions configured) {
        return new TrackingSocketOptions(configured, this::accepted);
    }

    /** For Helidon's HTTP/1 config: a receive listener (request lines and headers). */
    public Http1ConnectionListener http1RequestListener() {
        return requests;
    }

    /** For Helidon's HTTP/1 config: a send listener (response headers and writes). */
    public Http1ConnectionListener http1ResponseListener() {
        return responses;
    }

    /** Marks the connection of every routed HTTP request (HTTP/2 ones have no HTTP/1 listener). */
    public Filter requestFilter() {
        return (chain, req, res) -> {
            requested(req.remotePeer().address());
            chain.proceed();
        };
    }

    /** Marks the connection of every gRPC call. */
    public ServerInterceptor grpcInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                GrpcConnectionContext connection = ServerContextKeys.CONNECTION_CONTEXT.get();
                if (connection != null) {
                    requested(connection.remotePeer().address());
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** Open TCP connections: accepted and not yet closed, by either side. */
    public int openCount() {
        int open = 0;
        for (Tracked tracked : connections.values()) {
            if (tracked.channel.isOpen()) {
                open++;
            }
        }
        return open;
    }

    public long acceptedCount() {
        return accepted.get();
    }

    /** Connections closed because their request headers did not arrive in time. */
    public long headerTimeouts() {
        return headerTimeouts.get();
    }

    /** Connections closed because the client kept them open after a {@code Connection: close}. */
    public long closedAfterConnectionClose() {
        return closedAfterClose.get();
    }

    /**
     * Where the connection from {@code peer} stands, while it is tracked: tests move the clock only
     * once the listener's hooks have seen what they sent.
     */
    Optional<Phase> phase(SocketAddress peer) {
        return Optional.ofNullable(connections.get(peer)).map(tracked -> tracked.phase);
    }

    private void accepted(SocketChannel channel) {
        accepted.incrementAndGet();
        try {
            connections.put(channel.getRemoteAddress(), new Tracked(channel, clock.millis() + headerTimeoutMillis));
        } catch (IOException gone) {
            // Reset before it was handled: Helidon fails on it at once.
        }
    }

    private void requestStarted(SocketAddress peer) {
        Tracked tracked = connections.get(peer);
        // The first request is bounded from accept, so only a later one starts a new bound.
        if (tracked != null && tracked.phase == Phase.ACTIVE) {
            tracked.deadlineMillis = clock.millis() + headerTimeoutMillis;
            tracked.phase = Phase.AWAITING_HEADERS;
        }
    }

    private static boolean isConnectionClose(Headers headers) {
        return headers.first(HeaderNames.CONNECTION).filter("close"::equalsIgnoreCase).isPresent();
    }

    private void closeAsked(SocketAddress peer) {
        Tracked tracked = connections.get(peer);
        if (tracked != null && tracked.phase != Phase.CLOSING) {
            tracked.phase = Phase.CLOSE_ASKED;
        }
    }

    /** A response starts; from then on, a connection that is to close gets close-wait of quiet. */
    private void responding(SocketAddress peer, boolean connectionClose) {
        Tracked tracked = connections.get(peer);
        if (tracked != null && (connectionClose || tracked.phase == Phase.CLOSE_ASKED)) {
            tracked.deadlineMillis = clock.millis() + closeWaitMillis;
            tracked.phase = Phase.CLOSING;
        }
    }

    private void requested(SocketAddress peer) {
        Tracked tracked = connections.get(peer);
        if (tracked != null && tracked.phase == Phase.AWAITING_HEADERS) {
            tracked.phase = Phase.ACTIVE;
        }
    }

    private void wrote(SocketAddress peer) {
        Tracked tracked = connections.get(peer);
        if (tracked != null && tracked.phase == Phase.CLOSING) {
            tracked.deadlineMillis = clock.millis() + closeWaitMillis;
        }
    }

    /** One pass: forgets closed connections and closes those past their deadline. */
    void sweep() {
        long now = clock.millis();
        connections.forEach((peer, tracked) -> {
            if (!tracked.channel.isOpen()) {
                connections.remove(peer, tracked);
                return;
            }
            Phase phase = tracked.phase;
            if ((phase == Phase.AWAITING_HEADERS || phase == Phase.CLOSING) && now > tracked.deadlineMillis) {
                connections.remove(peer, tracked);
                (phase == Phase.CLOSING ? closedAfterClose : headerTimeouts).incrementAndGet();
                try {
                    // Helidon's reader of this connection fails its read and cleans up.
                    tracked.channel.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a stalled connection failed", e);
                }
            }
        });
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connection sweep failed", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
