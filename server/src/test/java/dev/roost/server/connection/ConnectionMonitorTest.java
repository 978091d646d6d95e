package dev.roost.server.connection;

import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.WhoAmIRequest;
import dev.roost.server.support.Await;
import dev.roost.server.support.RawWebSocket;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection monitor on the real server, with raw sockets on loopback. */
class ConnectionMonitorTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("connections.header-timeout", "PT1S", "connections.close-wait", "PT1S",
                "connections.sweep-interval", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ConnectionMonitor monitor() {
        return server.server().connections();
    }

    private static Socket send(String request) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** True once the server closed the connection (end of stream or reset) within {@code timeout}. */
    private static boolean closedByServer(Socket socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        socket.setSoTimeout(200);
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                // keep reading
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    private static String readResponseHead(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void partialHeaders_areClosedAfterTheHeaderTimeout() throws IOException {
        long before = monitor().headerTimeouts();
        try (Socket slow = send("GET /observe/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")) {
            assertThat(closedByServer(slow, BOUND)).as("partial header closed").isTrue();
        }
        assertThat(monitor().headerTimeouts()).isGreaterThan(before);
    }

    @Test
    void aConnectionThatSendsNothing_isClosedAfterTheHeaderTimeout() throws IOException {
        try (Socket silent = new Socket("127.0.0.1", server.port())) {
            assertThat(closedByServer(silent, BOUND)).as("silent connection closed").isTrue();
        }
    }

    @Test
    void aLaterRequestWithPartialHeaders_isClosedToo() throws IOException {
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200");
            client.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(closedByServer(client, BOUND)).as("second request's partial header closed").isTrue();
        }
    }

    @Test
    void aClientThatIgnoresConnectionClose_isClosedByTheServer() throws IOException {
        long before = monitor().closedAfterConnectionClose();
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200").contains("Connection: close");
            assertThat(closedByServer(client, BOUND)).as("closed after Connection: close").isTrue();
        }
        assertThat(monitor().closedAfterConnectionClose()).isGreaterThan(before);
    }

    @Test
    void idleKeepAliveConnections_areNotTakenForSlowHeaders() throws IOException {
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200");
            // Three header timeouts pass (a bounded wait for a close that must not come).
            assertThat(closedByServer(client, Duration.ofSeconds(3))).as("idle keep-alive closed").isFalse();
            client.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void grpcConnections_countAsRequestedAtTheirFirstCall_evenWhenRefused() throws Exception {
        long before = monitor().headerTimeouts();
        io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            AccessServiceGrpc.AccessServiceBlockingStub stub = AccessServiceGrpc.newBlockingStub(channel);
            assertThat(stub.withCallCredentials(TestServer.bearer(TestServer.ADMIN_TOKEN))
                    .whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal()).isNotEmpty();
            try {
                stub.whoAmI(WhoAmIRequest.getDefaultInstance());
            } catch (io.grpc.StatusRuntimeException expected) {
                assertThat(expected.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            }
            // A raw keep-alive connection serves as the clock: three header timeouts pass.
            try (Socket clock = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n")) {
                readResponseHead(clock);
                assertThat(closedByServer(clock, Duration.ofSeconds(3))).isFalse();
            }
            assertThat(channel.getState(false)).isEqualTo(io.grpc.ConnectivityState.READY);
            assertThat(monitor().headerTimeouts()).isEqualTo(before);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theGauge_countsHeldHttpAndWebSocketConnections() throws Exception {
        int base = monitor().openCount();
        List<Socket> held = new ArrayList<>();
        List<TestDevice> devices = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n");
                readResponseHead(client);
                held.add(client);
            }
            for (int i = 0; i < 5; i++) {
                devices.add(TestDevice.connect(server.port()));
            }
            try (RawWebSocket unanswered = RawWebSocket.connect(server.port())) {
                Await.until("the gauge shows the held connections", () -> monitor().openCount() >= base + 26);
            }
        } finally {
            for (Socket client : held) {
                client.close();
            }
            devices.forEach(TestDevice::close);
        }
        Await.until("the gauge falls back once they are closed", () -> monitor().openCount() <= base);
    }
}
