package dev.roost.edge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy whose existing connections can be frozen: bytes are read and dropped in both
 * directions while both sockets stay open — a link that died without a FIN, as behind a NAT that
 * lost its state. New connections pass normally.
 */
public final class FreezableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();

    public FreezableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Freezes every connection open now. */
    public void freezeExisting() {
        pairs.forEach(pair -> pair.frozen = true);
    }

    public int connections() {
        return pairs.size();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Pair pair = new Pair(client, server);
                pairs.add(pair);
                Thread.ofVirtual().start(() -> pump(pair, client, server));
                Thread.ofVirtual().start(() -> pump(pair, server, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Pair pair, Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (!pair.frozen) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            if (!pair.frozen) {
                pair.close();
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        pairs.forEach(Pair::close);
    }

    private static final class Pair {
        private final Socket client;
        private final Socket server;
        private volatile boolean frozen;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            try {
                client.close();
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
