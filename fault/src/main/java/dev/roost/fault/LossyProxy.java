package dev.roost.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A userspace TCP proxy on loopback that makes a link slow and lossy (there is no {@code tc netem} on
 * this kernel). Every chunk waits {@code delay} plus up to {@code jitter} before it is forwarded, in
 * order. While faults are on, each connection draws a lifetime from a seeded RNG (exponential, mean
 * {@code meanLifetime}); when it ends the connection is either reset (RST) or goes silent in both
 * directions (a black hole: what a path that loses every packet looks like to TCP) until its client
 * gives up. A TCP stream cannot lose single segments, so loss shows as resets and black holes.
 */
final class LossyProxy implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LossyProxy.class.getName());

    /** @param resetShare share of ended connections that are reset; the rest go silent */
    record Faults(Duration delay, Duration jitter, Duration meanLifetime, double resetShare) {
    }

    /** Waits out one chunk's delay before it is forwarded. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final Faults faults;
    private final Random random;
    private final Pause pause;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger blackHoles = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean faulty = true;
    private volatile boolean closed;

    LossyProxy(InetSocketAddress upstream, Faults faults, long seed) throws IOException {
        this(upstream, faults, seed, Thread::sleep);
    }

    /** @param pause how a chunk's delay is waited out (tests record it instead of sleeping) */
    LossyProxy(InetSocketAddress upstream, Faults faults, long seed, Pause pause) throws IOException {
        this.upstream = upstream;
        this.faults = faults;
        this.random = new Random(seed);
        this.pause = pause;
        this.listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Stops ending connections; the delay stays. Connections already silent stay silent. */
    void heal() {
        faulty = false;
    }

    int resets() {
        return resets.get();
    }

    int blackHoles() {
        return blackHoles.get();
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            long seed;
            synchronized (random) {
                seed = random.nextLong();
            }
            Thread.ofVirtual().start(() -> serve(client, new Random(seed)));
        }
    }

    private void serve(Socket client, Random fate) {
        Socket server = new Socket();
        sockets.add(client);
        sockets.add(server);
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(upstream, 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        long lifetimeMs = (long) (-Math.log(1 - fate.nextDouble()) * faults.meanLifetime().toMillis());
        boolean reset = fate.nextDouble() < faults.resetShare();
        Connection connection = new Connection(client, server, System.currentTimeMillis() + lifetimeMs, reset);
        // Both drawn here, so that each direction's jitter follows from the seed.
        Random upstreamJitter = new Random(fate.nextLong());
        Random downstreamJitter = new Random(fate.nextLong());
        Thread.ofVirtual().start(() -> connection.pump(client, server, upstreamJitter));
        connection.pump(server, client, downstreamJitter);
    }

    /** One proxied connection: two pumps, and its fate once its lifetime is over. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private final long endsAt;
        private final boolean reset;
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean silent;

        Connection(Socket client, Socket server, long endsAt, boolean reset) {
            this.client = client;
            this.server = server;
            this.endsAt = endsAt;
            this.reset = reset;
        }

        void pump(Socket from, Socket to, Random jitter) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    long wait = faults.delay().toMillis()
                            + (faults.jitter().isZero() ? 0 : jitter.nextLong(faults.jitter().toMillis() + 1));
                    if (wait > 0) {
                        pause.pause(Duration.ofMillis(wait));
                    }
                    if (faulty && System.currentTimeMillis() >= endsAt && !silent) {
                        end();
                    }
                    if (silent) {
                        continue;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed or was reset: the other side follows below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (reset) {
                resets.incrementAndGet();
                try {
                    client.setSoLinger(true, 0);
                    server.setSoLinger(true, 0);
                } catch (IOException e) {
                    // closing anyway
                }
                closeQuietly(client);
                closeQuietly(server);
            } else {
                blackHoles.incrementAndGet();
                silent = true;
            }
        }
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a proxied socket", e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}
