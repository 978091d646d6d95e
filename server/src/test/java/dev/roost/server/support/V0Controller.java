package dev.roost.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client that speaks the legacy controller's dialect (/work/shared/legacy/v0-protocol.md)
 * as the Python controller puts it on the wire: no subprotocol, no headers, {@code json.dumps}
 * spacing, {@code Headers} with a capital H. Frames are sent as given; received ones are kept
 * as text so that tests can compare them exactly.
 */
public final class V0Controller implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private V0Controller(int port, HttpClient client) {
        this.socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener()).join();
    }

    public static V0Controller connect(int port) {
        return new V0Controller(port, HttpClient.newHttpClient());
    }

    public static V0Controller connectFrom(int port, String sourceAddress) {
        try {
            return new V0Controller(port, HttpClient.newBuilder()
                    .localAddress(java.net.InetAddress.getByName(sourceAddress)).build());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(sourceAddress, e);
        }
    }

    /** Login form A (v0-protocol.md §3.1); returns the server's answer. */
    public String loginById(String deviceId, String password) {
        send("{\"device_id\": \"" + deviceId + "\", \"password\": \"" + password + "\"}");
        return next(Duration.ofSeconds(10));
    }

    /** Login form B, by serial number and model. */
    public String loginBySerial(String serial, String model, String password) {
        send("{\"device_sn\": \"" + serial + "\", \"device_model\": \"" + model + "\", \"password\": \""
                + password + "\"}");
        return next(Duration.ofSeconds(10));
    }

    public String ping() {
        send("{\"type\": \"ping_pong\", \"Headers\": {}, \"data\": \"ping\"}");
        return next(Duration.ofSeconds(5));
    }

    /** An upload as the controller's psutil sampling produces it (§6). */
    public String uploadStatus(double user, double system, double idle, double ioWait, long totalMb, long freeMb,
                               long diskTotalMb, long diskUsedMb) {
        send("{\"type\": \"upload_status_info\", \"Headers\": {}, \"data\": {\"CPU_info\": {\"user_cpu_time\": "
                + user + ", \"system_cpu_time\": " + system + ", \"idle_cpu_time\": " + idle
                + ", \"io_wait_cpu_time\": " + ioWait + "}, \"Memory_info\": {\"total_memory_mb\": " + totalMb
                + ", \"free_memory_mb\": " + freeMb + ", \"buff_cache_mb\": 258}, \"Disk_info\": "
                + "{\"root_total_size_mb\": " + diskTotalMb + ", \"root_used_size_mb\": " + diskUsedMb
                + ", \"root_used_percent\": " + Math.round(diskUsedMb * 1000.0 / diskTotalMb) / 10.0 + "}}}");
        return next(Duration.ofSeconds(5));
    }

    /** The controller's answer to an order (§7.2). */
    public void answer(String status, String message) {
        send("{\"type\": \"upload_instruction_result\", \"status\": \"" + status + "\", \"Headers\": {\"message\": \""
                + message + "\"}, \"data\": {}}");
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next frame within {@code timeout}; fails the test when none comes. */
    public String next(Duration timeout) {
        try {
            String frame = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    public JsonNode nextJson(Duration timeout) {
        try {
            return JSON.readTree(next(timeout));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The close code the server sent, once it closed the connection. */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * The controller's restart: {@code os.execl} ends the process, and with it the TCP connection,
     * without a close frame.
     */
    public void vanish() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
