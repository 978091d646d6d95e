package dev.roost.edge.link;

import dev.roost.edge.support.CountingMetrics;
import dev.roost.edge.support.ScriptedServer;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One reconnect loop over several server URIs: failed attempts and lost links move along the list. */
class ServerFailoverLinkTest {
    private static final String AUTH_OK = "{\"type\":\"auth_ok\",\"id\":\"s-1\",\"reply_to\":\"%s\",\"body\":"
            + "{\"device_id\":\"7\",\"heartbeat_interval_ms\":30000}}";
    private static final String TOKEN_EXPIRED = "{\"type\":\"auth_error\",\"id\":\"s-1\",\"reply_to\":\"%s\",\"body\":"
            + "{\"code\":\"INVALID_CREDENTIALS\",\"message\":\"no\",\"retry_after_ms\":0}}";

    private final List<ScriptedServer> servers = new ArrayList<>();
    private final CountingMetrics metrics = new CountingMetrics();
    private WsTransport transport;
    private ConnectionManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.stop().join();
        }
        if (transport != null) {
            transport.close();
        }
        servers.forEach(ScriptedServer::close);
    }

    /** A server that accepts every {@code auth} and counts them. */
    private ScriptedServer accepting(AtomicInteger auths) {
        ScriptedServer server = ScriptedServer.start((ws, message) -> {
            if ("auth".equals(message.get("type").asText())) {
                auths.incrementAndGet();
                ws.send(AUTH_OK.formatted(message.get("id").asText()), true);
            }
        });
        servers.add(server);
        return server;
    }

    private static URI deadUri() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("ws://127.0.0.1:" + socket.getLocalPort() + "/ws");
        }
    }

    private void start(List<URI> uris, SessionTokenStore tokens) {
        transport = new WsTransport(1);
        LinkSettings settings = new LinkSettings(uris, Optional.empty(), Credentials.ofDevice("7", "the-secret"),
                Optional.empty(), Duration.ofSeconds(5),
                new BackoffSettings(Duration.ofMillis(20), 2, Duration.ofMillis(100), Duration.ofMinutes(1), 0),
                "test", false);
        manager = new ConnectionManager(settings, transport, transport.nextLoop(), new Ticker(Duration.ofMillis(20)),
                new PduCodec(), new LinkSession() {
                    @Override
                    public void onLive(Link link, Messages.AuthOk ok) {
                    }

                    @Override
                    public void onMessage(Link link, Pdu pdu) {
                    }

                    @Override
                    public void onDown() {
                    }
                }, metrics, new Backoff(settings.backoff(), new Random(1)), tokens);
        manager.start();
    }

    @Test
    void firstServerDown_theNextAttemptGoesToTheSecond_andConnects() throws Exception {
        AtomicInteger auths = new AtomicInteger();
        ScriptedServer second = accepting(auths);
        URI dead = deadUri();
        start(List.of(dead, second.url()), SessionTokenStore.NONE);

        Await.until("live on the second server", () -> manager.isLive());
        assertThat(manager.server()).isEqualTo(second.url());
        assertThat(metrics.failedAttempts.get()).as("the first attempt went to the dead server").isEqualTo(1);
        assertThat(auths.get()).isEqualTo(1);
    }

    @Test
    void aFullNodeAnswering503AtUpgrade_isLeftForTheNextServer() throws Exception {
        // What a Roost node at roost.southbound.max-sessions answers (protocol.md §1): no handshake.
        HttpServer full = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger upgrades = new AtomicInteger();
        full.createContext("/ws", exchange -> {
            upgrades.incrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", "10");
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        full.start();
        try {
            AtomicInteger auths = new AtomicInteger();
            ScriptedServer second = accepting(auths);
            start(List.of(URI.create("ws://127.0.0.1:" + full.getAddress().getPort() + "/ws"), second.url()),
                    SessionTokenStore.NONE);

            Await.until("live on the second server", () -> manager.isLive());
            assertThat(manager.server()).isEqualTo(second.url());
            assertThat(upgrades.get()).as("one attempt at the full node, then the next server").isEqualTo(1);
            assertThat(metrics.failedAttempts.get()).isEqualTo(1);
            assertThat(metrics.failures.getFirst()).contains("503");
        } finally {
            full.stop(0);
        }
    }

    @Test
    void lostLink_movesToTheNextServerInTheList() {
        AtomicInteger authsA = new AtomicInteger();
        AtomicInteger authsB = new AtomicInteger();
        AtomicInteger authsC = new AtomicInteger();
        ScriptedServer a = accepting(authsA);
        ScriptedServer b = accepting(authsB);
        ScriptedServer c = accepting(authsC);
        start(List.of(a.url(), b.url(), c.url()), SessionTokenStore.NONE);
        Await.until("live on a", () -> manager.isLive() && authsA.get() == 1);
        assertThat(manager.server()).isEqualTo(a.url());

        a.close();
        Await.until("live on b after a went away", () -> manager.isLive() && authsB.get() == 1);
        assertThat(manager.server()).isEqualTo(b.url());
        b.close();
        Await.until("live on c after b went away", () -> manager.isLive() && authsC.get() == 1);
        assertThat(manager.server()).isEqualTo(c.url());
        assertThat(metrics.failedAttempts.get()).as("every move went straight to a live server").isZero();
        assertThat(metrics.disconnects.get()).isEqualTo(2);
        assertThat(authsA.get()).isEqualTo(1);
    }

    @Test
    void refusedCredential_isRetriedAtOnceOnTheSameServer() {
        AtomicInteger authsA = new AtomicInteger();
        ScriptedServer a = ScriptedServer.start((ws, message) -> {
            if ("auth".equals(message.get("type").asText())) {
                int n = authsA.getAndIncrement();
                ws.send((n == 0 ? TOKEN_EXPIRED : AUTH_OK).formatted(message.get("id").asText()), true);
            }
        });
        servers.add(a);
        AtomicInteger authsB = new AtomicInteger();
        ScriptedServer b = accepting(authsB);
        SessionTokenStore holding = new SessionTokenStore() {
            @Override
            public Optional<SessionToken> load(java.time.Instant now) {
                return Optional.of(new SessionToken("7", "t-old", SessionToken.NO_EXPIRY));
            }

            @Override
            public void save(SessionToken token) {
            }

            @Override
            public void clear() {
            }
        };
        start(List.of(a.url(), b.url()), holding);

        Await.until("live", () -> manager.isLive());
        assertThat(manager.server()).isEqualTo(a.url());
        assertThat(authsA.get()).isEqualTo(2);
        assertThat(authsB.get()).isZero();
    }

    @Test
    void settings_refuseAnEmptyListAndMixedSchemes() {
        assertThatThrownBy(() -> new LinkSettings(List.of(), Optional.empty(), Credentials.ofDevice("7", "s"),
                Optional.empty(), Duration.ofSeconds(1), BackoffSettings.DEFAULT, "t", false))
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new LinkSettings(List.of(URI.create("ws://a/ws"), URI.create("wss://b/ws")),
                Optional.empty(), Credentials.ofDevice("7", "s"), Optional.empty(), Duration.ofSeconds(1),
                BackoffSettings.DEFAULT, "t", false)).hasMessageContaining("wss://b/ws");
    }

    @Test
    void startingAt_rotatesTheList() {
        List<URI> uris = List.of(URI.create("ws://a/ws"), URI.create("ws://b/ws"), URI.create("ws://c/ws"));
        assertThat(LinkSettings.startingAt(uris, 4)).containsExactly(uris.get(1), uris.get(2), uris.get(0));
        assertThat(LinkSettings.startingAt(uris, 0)).isEqualTo(uris);
    }
}
