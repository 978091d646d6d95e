package dev.roost.server.connection;

import dev.roost.proto.v1.AccessServiceGrpc;
import dev.roost.proto.v1.WhoAmIRequest;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.RawWebSocket;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection monitor on the real server, with raw sockets on loopback. The server runs on a
 * {@link ManualClock} and its own sweep is an hour apart: each test moves the clock past a bound and
 * sweeps once itself, so what is closed, and what is not, follows from the clock alone.
 */
class ConnectionMonitorTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);
    private static final ManualClock CLOCK = new ManualClock();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("connections.header-timeout", HEADER_TIMEOUT.toString(),
                "connections.close-wait", CLOSE_WAIT.toString(), "connections.sweep-interval", "PT1H"), CLOCK);
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

    /** Waits until the monitor has seen the connection reach {@code phase} (the server's peer is our local end). */
    private static void awaitPhase(Socket socket, ConnectionMonitor.Phase phase) {
        SocketAddress peer = socket.getLocalSocketAddress();
        Await.until("the monitor sees " + peer + " " + phase,
                () -> monitor().phase(peer).equals(Optional.of(phase)));
    }

    /** Moves the server's clock past {@code bound} and runs one sweep, which closes synchronously. */
    private static void sweepAfter(Duration bound) {
        CLOCK.advance(bound.plusMillis(1));
        monitor().sweep();
    }

    /** True once the server closed the connection (end of stream or reset); false if it stays open {@link #BOUND}. */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout((int) BOUND.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the rest of a response
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Reads one whole response. Helidon calls its send listeners before each write, so once the
     * last byte is here the monitor has seen every write of the response.
     */
    private static String readResponse(Socket socket) throws IOException {
        socket.setSoTimeout((int) BOUND.toMillis());
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(lower);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
            StringBuilder body = new StringBuilder();
            while (!body.toString().endsWith("\r\n0\r\n\r\n") && !body.toString().equals("0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.append((char) b);
            }
        }
        return head.toString();
    }

    @Test
    void partialHeaders_areClosedAfterTheHeaderTimeout() throws IOException {
        try (Socket slow = send("GET /observe/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")) {
            awaitPhase(slow, ConnectionMonitor.Phase.AWAITING_HEADERS);
            long before = monitor().headerTimeouts();
            sweepAfter(HEADER_TIMEOUT);
            assertThat(monitor().headerTimeouts()).isGreaterThan(before);
            assertThat(closedByServer(slow)).as("partial header closed").isTrue();
        }
    }

    @Test
    void aConnectionThatSendsNothing_isClosedAfterTheHeaderTimeout() throws IOException {
        try (Socket silent = new Socket("127.0.0.1", server.port())) {
            awaitPhase(silent, ConnectionMonitor.Phase.AWAITING_HEADERS);
            sweepAfter(HEADER_TIMEOUT);
            assertThat(closedByServer(silent)).as("silent connection closed").isTrue();
        }
    }

    @Test
    void aLaterRequestWithPartialHeaders_isClosedToo() throws IOException {
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(readResponse(client)).startsWith("HTTP/1.1 200");
            awaitPhase(client, ConnectionMonitor.Phase.ACTIVE);
            client.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: x\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            awaitPhase(client, ConnectionMonitor.Phase.AWAITING_HEADERS);
            sweepAfter(HEADER_TIMEOUT);
            assertThat(closedByServer(client)).as("second request's partial header closed").isTrue();
        }
    }

    @Test
    void aClientThatIgnoresConnectionClose_isClosedByTheServer() throws IOException {
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
            assertThat(readResponse(client)).startsWith("HTTP/1.1 200").contains("Connection: close");
            awaitPhase(client, ConnectionMonitor.Phase.CLOSING);
            long before = monitor().closedAfterConnectionClose();
            sweepAfter(CLOSE_WAIT);
            assertThat(monitor().closedAfterConnectionClose()).isGreaterThan(before);
            assertThat(closedByServer(client)).as("closed after Connection: close").isTrue();
        }
    }

    @Test
    void idleKeepAliveConnections_areNotTakenForSlowHeaders() throws IOException {
        try (Socket client = send("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(readResponse(client)).startsWith("HTTP/1.1 200");
            // Three header timeouts pass; a close would have happened inside the sweep.
            sweepAfter(HEADER_TIMEOUT.multipliedBy(3));
            client.getOutputStream().write("GET /observe/health HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client)).as("the idle connection still serves").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void grpcConnections_countAsRequestedAtTheirFirstCall_evenWhenRefused() throws Exception {
        // Connections other tests left awaiting their headers are closed first, so that only ours can count.
        sweepAfter(HEADER_TIMEOUT);
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
            // Three header timeouts pass; the sweep counts every connection it closes for its headers.
            sweepAfter(HEADER_TIMEOUT.multipliedBy(3));
            assertThat(monitor().headerTimeouts()).isEqualTo(before);
            assertThat(channel.getState(false)).isEqualTo(io.grpc.ConnectivityState.READY);
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
                readResponse(client);
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
