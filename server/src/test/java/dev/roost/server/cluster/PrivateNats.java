package dev.roost.server.cluster;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A NATS server of the test's own (with JetStream), on a free port, that the test may stop and start
 * again: the shared one at 4222 serves other tests and is never stopped.
 */
final class PrivateNats implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/nats-server");
    private static final Duration READY_WITHIN = Duration.ofSeconds(10);

    private final int port;
    private final Path store;
    private Process process;
    private int starts;

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
        Path log = store.resolve("nats-" + ++starts + ".log");
        Process started = new ProcessBuilder(List.of(BINARY.toString(), "-a", "127.0.0.1", "-p",
                Integer.toString(port), "-js", "-sd", data.toString())).redirectErrorStream(true).start();
        process = started;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("private-nats-log").start(() -> copyLog(started, log, ready));
        boolean up = false;
        try {
            ready.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
            up = true;
        } catch (TimeoutException e) {
            throw new IllegalStateException("nats-server on " + port + " not ready within " + READY_WITHIN
                    + "; see " + log, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("nats-server on " + port + " did not start; see " + log, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while nats-server started", e);
        } finally {
            if (!up) {
                // Nobody will close a server that failed to start: it must not outlive the test.
                started.destroyForcibly();
            }
        }
    }

    /**
     * Copies the server's output to {@code log} (the pipe must be drained anyway) and completes
     * {@code ready} at its "Server is ready" line, which it prints once it listens for clients.
     */
    private static void copyLog(Process started, Path log, CompletableFuture<Void> ready) {
        try (BufferedReader in = started.inputReader(); BufferedWriter out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (line.endsWith("Server is ready")) {
                    ready.complete(null);
                }
            }
            ready.completeExceptionally(new IllegalStateException("it exited before it was ready"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
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
