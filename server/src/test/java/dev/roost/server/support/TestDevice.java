package dev.roost.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A device speaking the protocol over a real WebSocket (the JDK client), recording everything the
 * server sends, for tests that script both sides.
 */
public final class TestDevice implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final List<JsonNode> skipped = new ArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final LinkedBlockingQueue<Boolean> pongs = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** How the server closed the connection. */
    public record Closed(int code, String reason) {
    }

    private TestDevice(WebSocket socket, Listener listener) {
        this.socket = socket;
        listener.device = this;
    }

    private static final class Listener implements WebSocket.Listener {
        private TestDevice device;
        private final StringBuilder text = new StringBuilder();
        private final List<JsonNode> early = new ArrayList<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(text.toString());
                    if (device == null) {
                        early.add(node);
                    } else {
                        device.received.add(node);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("server sent non-JSON: " + text, e);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
            device.pongs.add(Boolean.TRUE);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            device.closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            device.closed.complete(new Closed(-1, String.valueOf(error)));
        }
    }

    public static TestDevice connect(int port) {
        return connect(port, "roost.v1");
    }

    public static TestDevice connect(int port, String subprotocol) {
        return connect(port, subprotocol, HttpClient.newHttpClient());
    }

    /** Connects from a chosen loopback source address (e.g. 127.0.0.2), as a device at another site. */
    public static TestDevice connectFrom(int port, String sourceAddress) {
        try {
            return connect(port, "roost.v1", HttpClient.newBuilder()
                    .localAddress(java.net.InetAddress.getByName(sourceAddress)).build());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(sourceAddress, e);
        }
    }

    private static TestDevice connect(int port, String subprotocol, HttpClient client) {
        Listener listener = new Listener();
        WebSocket.Builder builder = client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener).join();
        TestDevice device = new TestDevice(socket, listener);
        device.received.addAll(listener.early);
        return device;
    }

    /** Over {@code wss://127.0.0.1:port/ws} with the given TLS client context; fails when the handshake does. */
    public static TestDevice connectTls(int port, SSLContext tls) {
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5)).subprotocols("roost.v1")
                .buildAsync(URI.create("wss://127.0.0.1:" + port + "/ws"), listener).join();
        TestDevice device = new TestDevice(socket, listener);
        device.received.addAll(listener.early);
        return device;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends raw text as one frame. */
    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a message with a fresh id; returns the id. */
    public String send(String type, String bodyJson) {
        String id = "d-" + ids.incrementAndGet();
        sendRaw("{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"body\":" + bodyJson + "}");
        return id;
    }

    /** Authenticates with id and secret and returns the auth_ok body. */
    public JsonNode authenticate(String deviceId, String secret) {
        send("auth", "{\"device_id\":\"" + deviceId + "\",\"secret\":\"" + secret + "\",\"agent_version\":\"test\"}");
        JsonNode reply = next(m -> m.path("type").asText().startsWith("auth"));
        if (!reply.path("type").asText().equals("auth_ok")) {
            throw new AssertionError("auth refused: " + reply);
        }
        return reply.get("body");
    }

    /** The next message the server sent that matches; messages skipped on the way are kept. */
    public JsonNode next(Predicate<JsonNode> matching) {
        for (JsonNode node : new ArrayList<>(skipped)) {
            if (matching.test(node)) {
                skipped.remove(node);
                return node;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode node;
            try {
                node = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (node == null) {
                throw new AssertionError("no matching message within " + WAIT + "; skipped: " + skipped);
            }
            if (matching.test(node)) {
                return node;
            }
            skipped.add(node);
        }
    }

    /**
     * Acknowledges a received {@code command} message and reports its result: code 0 for
     * "succeeded", 3 otherwise, message "done".
     */
    public void answer(JsonNode command, String status, String resultJson) {
        String id = command.at("/body/command_id").asText();
        sendRaw("{\"type\":\"command_ack\",\"id\":\"a-" + id + "\",\"reply_to\":\"" + command.get("id").asText()
                + "\",\"body\":{\"command_id\":\"" + id + "\"}}");
        send("command_result", "{\"command_id\":\"" + id + "\",\"status\":\"" + status + "\",\"code\":"
                + ("succeeded".equals(status) ? 0 : 3) + ",\"result\":" + resultJson + ",\"message\":\"done\"}");
    }

    /** Types of the messages {@link #next} passed over so far. */
    public List<String> skippedTypes() {
        return skipped.stream().map(m -> m.path("type").asText()).toList();
    }

    public JsonNode next(String type) {
        return next(m -> type.equals(m.path("type").asText()));
    }

    /** Waits for the server to close the connection. */
    public Closed awaitClose() {
        try {
            return closed.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not close the connection", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Sends a WebSocket ping and waits for the server's pong: when it returns, the server has read the ping. */
    public void ping() {
        socket.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1})).join();
        try {
            if (pongs.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS) == null) {
                throw new AssertionError("no pong within " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Drops the TCP connection without a close frame, as a crashed agent would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
