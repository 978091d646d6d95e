package dev.roost.edge.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.edge.support.ScriptedServer;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A scripted server that sends garbage: the link answers with {@code error} and stays up. */
class MalformedDownlinkTest {

    private final List<JsonNode> uplink = new CopyOnWriteArrayList<>();
    private final List<Pdu> delivered = new CopyOnWriteArrayList<>();
    private ScriptedServer server;
    private WsTransport transport;

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Answers auth with auth_ok, then sends a sequence of bad frames and one good command. */
    private void script(WsSession ws, JsonNode message) {
        uplink.add(message);
        if ("auth".equals(message.get("type").asText())) {
            ws.send("{\"type\":\"auth_ok\",\"id\":\"s-1\",\"reply_to\":\"" + message.get("id").asText()
                    + "\",\"body\":{\"device_id\":\"1\",\"heartbeat_interval_ms\":30000}}", true);
            ws.send("this is not json", true);
            ws.send("{\"type\":\"hello\",\"id\":\"s-2\",\"body\":{}}", true);
            ws.send("{\"type\":\"command\",\"id\":\"s-3\",\"body\":{\"name\":\"exec\"}}", true);
            ws.send("{\"type\":\"status\",\"id\":\"s-4\",\"body\":{\"mode\":\"snapshot\",\"state\":{}}}", true);
            ws.send(BufferData.create(new byte[] {1, 2, 3}), true);
            ws.send("{\"type\":\"command_cancel\",\"id\":\"s-5\",\"body\":{\"command_id\":\"9\"}}", true);
        }
    }

    @Test
    void malformedAndUnknownFrames_areAnsweredWithErrors_andTheLinkStaysUp() {
        server = ScriptedServer.start(this::script);
        transport = new WsTransport(1);
        CountingMetrics metrics = new CountingMetrics();
        LinkSession session = new LinkSession() {
            @Override
            public void onLive(Link link, Messages.AuthOk ok) {
            }

            @Override
            public void onMessage(Link link, Pdu pdu) {
                delivered.add(pdu);
            }

            @Override
            public void onDown() {
            }
        };
        LinkSettings settings = new LinkSettings(server.url(), Optional.empty(),
                Credentials.ofDevice("1", "secret"), Optional.empty(), Duration.ofSeconds(5),
                BackoffSettings.DEFAULT, "test", false);
        ConnectionManager manager = new ConnectionManager(settings, transport, transport.nextLoop(),
                new Ticker(Duration.ofMillis(20)), new PduCodec(), session, metrics,
                new Backoff(BackoffSettings.DEFAULT, new Random(1)), SessionTokenStore.NONE);
        manager.start();

        Await.until("the good message after the bad ones", () -> !delivered.isEmpty());
        Await.until("five errors", () -> errors().size() == 5);
        assertThat(errors()).extracting(e -> e.at("/body/code").asText())
                .containsExactlyInAnyOrder("BAD_FRAME", "UNKNOWN_TYPE", "MISSING_FIELD", "UNEXPECTED_MESSAGE",
                        "BAD_FRAME");
        assertThat(errors()).filteredOn(e -> e.at("/body/code").asText().equals("UNKNOWN_TYPE"))
                .singleElement().satisfies(e -> assertThat(e.get("reply_to").asText()).isEqualTo("s-2"));
        assertThat(delivered).singleElement().satisfies(p -> assertThat(p.id()).isEqualTo("s-5"));
        assertThat(manager.isLive()).isTrue();
        assertThat(metrics.disconnects).hasValue(0);
        manager.stop().join();
    }

    private List<JsonNode> errors() {
        return uplink.stream().filter(m -> "error".equals(m.get("type").asText())).toList();
    }
}
