package dev.roost.bench;

import dev.roost.protocol.MessageType;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BaselineWebSocketTest {
    private final PduCodec codec = new PduCodec();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private WebServer server;
    private WebSocket socket;

    @BeforeEach
    void start() {
        server = BaselineWebSocketCommand.start(0, Duration.ofSeconds(30));
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols(BaselineDeviceEndpoint.SUBPROTOCOL)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + BaselineWebSocketCommand.PATH),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.add(text.toString());
                                    text.setLength(0);
                                }
                                ws.request(1);
                                return null;
                            }
                        })
                .join();
    }

    @AfterEach
    void stop() {
        socket.abort();
        server.stop();
    }

    @Test
    void authPingAndStatus_areAnsweredAsRoostWould() throws InterruptedException {
        assertThat(socket.getSubprotocol()).isEqualTo(BaselineDeviceEndpoint.SUBPROTOCOL);

        Pdu authOk = exchange(Pdu.of("d-1", Messages.Auth.withSecret("384140589756579840", "secret")));
        assertThat(authOk.type()).isEqualTo(MessageType.AUTH_OK);
        assertThat(authOk.replyTo()).contains("d-1");
        Messages.AuthOk ok = authOk.body(Messages.AuthOk.class);
        assertThat(ok.deviceId()).isEqualTo("384140589756579840");
        assertThat(ok.heartbeatIntervalMs()).isEqualTo(30_000);

        Pdu pong = exchange(Pdu.of("d-2", new Messages.Ping()));
        assertThat(pong.type()).isEqualTo(MessageType.PONG);
        assertThat(pong.replyTo()).contains("d-2");

        Pdu first = exchange(Pdu.of("d-3", Messages.Status.snapshot(codec.mapper().createObjectNode().put("uptime_s", 1))));
        Pdu second = exchange(Pdu.of("d-4", Messages.Status.snapshot(codec.mapper().createObjectNode().put("uptime_s", 2))));
        assertThat(first.type()).isEqualTo(MessageType.STATUS_ACK);
        assertThat(second.body(Messages.StatusAck.class).version())
                .isNotEqualTo(first.body(Messages.StatusAck.class).version());
    }

    private Pdu exchange(Pdu uplink) throws InterruptedException {
        socket.sendText(codec.encode(uplink), true).join();
        String reply = received.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("reply to " + uplink.type().wireName()).isNotNull();
        return codec.decode(reply);
    }
}
