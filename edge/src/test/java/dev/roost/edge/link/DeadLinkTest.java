package dev.roost.edge.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.edge.support.ScriptedServer;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import dev.roost.server.support.ManualClock;
import io.helidon.websocket.WsSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-link rule on a clock that moves only when the test moves it: a link on which nothing
 * arrived for two heartbeat intervals is still up, one millisecond more ends it. The server is
 * scripted to answer {@code auth} and nothing else, so the link's own pings go unanswered.
 */
class DeadLinkTest {
    private static final long HEARTBEAT_MS = 1000;
    private static final String AUTH_OK = "{\"type\":\"auth_ok\",\"id\":\"s-1\",\"reply_to\":\"%s\",\"body\":"
            + "{\"device_id\":\"7\",\"heartbeat_interval_ms\":" + HEARTBEAT_MS + "}}";

    private final ManualClock clock = new ManualClock();
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<String> uplinkTypes = new CopyOnWriteArrayList<>();
    /** Whether the link was up after the dead-link check of the first tick that carried each time. */
    private final Map<Long, Boolean> upAtTick = new ConcurrentHashMap<>();
    private volatile WsSession serverSide;
    private volatile Link link;
    private ScriptedServer server;
    private WsTransport transport;
    private ConnectionManager manager;

    @BeforeEach
    void start() {
        server = ScriptedServer.start((ws, message) -> {
            String type = message.get("type").asText();
            uplinkTypes.add(type);
            if ("auth".equals(type)) {
                serverSide = ws;
                ws.send(AUTH_OK.formatted(message.get("id").asText()), true);
            }
        });
        transport = new WsTransport(1);
        LinkSettings settings = new LinkSettings(server.url(), Optional.empty(), Credentials.ofDevice("7", "the-secret"),
                Optional.empty(), Duration.ofSeconds(5), BackoffSettings.DEFAULT, "test", false);
        manager = new ConnectionManager(settings, transport, transport.nextLoop(),
                new Ticker(Duration.ofMillis(10), clock), new PduCodec(), new LinkSession() {
                    @Override
                    public void onLive(Link live, Messages.AuthOk ok) {
                        link = live;
                    }

                    @Override
                    public void onMessage(Link from, Pdu pdu) {
                    }

                    @Override
                    public void onDown() {
                    }

                    @Override
                    public void onTick(long nowMillis) {
                        Link current = link;
                        if (current != null) {
                            upAtTick.putIfAbsent(nowMillis, current.isLive());
                        }
                    }
                }, metrics, new Backoff(BackoffSettings.DEFAULT, new Random(1)), SessionTokenStore.NONE);
        manager.start();
        Await.until("live", () -> manager.isLive() && link != null);
    }

    @AfterEach
    void stop() {
        manager.stop().join();
        transport.close();
        server.close();
    }

    /** Moves the clock and waits for a tick at the new time; returns whether the link was up after it. */
    private boolean upAfterTickAt(long atMillis) {
        clock.advance(Duration.ofMillis(atMillis - clock.millis()));
        Await.until("a tick at " + atMillis, () -> upAtTick.containsKey(atMillis));
        return upAtTick.get(atMillis);
    }

    @Test
    void silenceOfTwoHeartbeatIntervals_keepsTheLink_oneMillisecondMoreEndsIt() {
        long heardAt = clock.millis();

        assertThat(upAfterTickAt(heardAt + 2 * HEARTBEAT_MS)).isTrue();
        Await.until("the link pinged the silent server", () -> uplinkTypes.contains("ping"));

        assertThat(upAfterTickAt(heardAt + 2 * HEARTBEAT_MS + 1)).isFalse();
        Await.until("the link ended", () -> metrics.disconnects.get() == 1);
    }

    @Test
    void silenceCounts_fromTheLastMessageReceived() {
        long start = clock.millis();
        assertThat(upAfterTickAt(start + 1500)).isTrue();
        serverSide.send("{\"type\":\"ping\",\"id\":\"s-2\",\"body\":{}}", true);
        // The link answers on its event loop after it noted the arrival.
        Await.until("the link answered the server's ping", () -> uplinkTypes.contains("pong"));
        long heardAt = clock.millis();

        assertThat(upAfterTickAt(heardAt + 2 * HEARTBEAT_MS)).isTrue();
        assertThat(upAfterTickAt(heardAt + 2 * HEARTBEAT_MS + 1)).isFalse();
    }
}
