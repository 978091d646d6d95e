package dev.roost.fault;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy over real loopback sockets, in front of an echo server. */
class LossyProxyTest {
    private final ServerSocket echo;

    LossyProxyTest() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException e) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void healthyConnection_forwardsBytesInOrderWithTheDelay() throws IOException {
        LossyProxy.Faults slow = new LossyProxy.Faults(Duration.ofMillis(30), Duration.ofMillis(10),
                Duration.ofDays(1), 1.0);
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        try (LossyProxy proxy = new LossyProxy(echoAddress(), slow, 1, pauses::add); Socket client = connect(proxy)) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));

            assertThat(new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
            // Each chunk paused before it was forwarded: at least once on the way there, once on the way back.
            assertThat(pauses).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(pause -> assertThat(pause).isBetween(Duration.ofMillis(30), Duration.ofMillis(40)));
        }
    }

    @Test
    void endedConnection_isReset() throws IOException {
        LossyProxy.Faults resetAtOnce = new LossyProxy.Faults(Duration.ZERO, Duration.ZERO, Duration.ofMillis(1), 1.0);
        try (LossyProxy proxy = new LossyProxy(echoAddress(), resetAtOnce, 1); Socket client = connect(proxy)) {
            InputStream in = client.getInputStream();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    client.getOutputStream().write(new byte[100]);
                    if (in.read() < 0) {
                        throw new SocketException("closed");
                    }
                }
            }).isInstanceOf(IOException.class);
            assertThat(proxy.resets()).isEqualTo(1);
        }
    }

    private InetSocketAddress echoAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
    }

    private static Socket connect(LossyProxy proxy) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }
}
