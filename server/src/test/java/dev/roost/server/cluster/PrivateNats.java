package dev.roost.server.cluster;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A NATS server of the test's own (with JetStream), on a free port, that the test may stop and start
 * again: the shared one at 4222 serves other tests and is never stopped.
 */
final class PrivateNats implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/nats-server");

    private final int port;
    private final Path store;
    private Process process;

    private PrivateNats(int port, Path store) {
        this.port = port;
        this.store = store;
    }

    /** Starts one; skips the test, saying why, when the nats-server binary is not installed. */
    static PrivateNats start(Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "no " + BINARY + " (Debian package nats-server)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrivateNats nats = new PrivateNats(port, dir);
        nats.startAgain();
        return nats;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts it (again) on the same port, with an empty JetStream store: as a NATS that lost its memory. */
    void startAgain() throws IOException {
        Path data = Files.createTempDirectory(store, "js");
        process = new ProcessBuilder(List.of(BINARY.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-js", "-sd", data.toString())).redirectErrorStream(true)
                .redirectOutput(store.resolve("nats-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("nats-server did not listen on " + port);
    }

    /** Kills it (SIGKILL). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
