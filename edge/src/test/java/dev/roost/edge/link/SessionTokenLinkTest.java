package dev.roost.edge.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.edge.support.CountingMetrics;
import dev.roost.edge.support.ScriptedServer;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;
import dev.roost.protocol.PduCodec;
import dev.roost.server.support.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** A scripted server checks which credential each {@code auth} carries and what the store is told. */
class SessionTokenLinkTest {
    private static final long EXPIRES_AT = Instant.now().plus(Duration.ofHours(1)).toEpochMilli();
    private static final String AUTH_OK = "{\"type\":\"auth_ok\",\"id\":\"s-%d\",\"reply_to\":\"%s\",\"body\":"
            + "{\"device_id\":\"7\",\"heartbeat_interval_ms\":30000,\"session_token\":\"t-2\","
            + "\"session_token_expires_at\":" + EXPIRES_AT + "}}";
    private static final String TOKEN_EXPIRED = "{\"type\":\"auth_error\",\"id\":\"s-%d\",\"reply_to\":\"%s\",\"body\":"
            + "{\"code\":\"TOKEN_EXPIRED\",\"message\":\"session token expired\",\"retry_after_ms\":0}}";

    private final List<JsonNode> auths = new CopyOnWriteArrayList<>();
    private ScriptedServer server;
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
        if (server != null) {
            server.close();
        }
    }

    /** A store in memory that remembers what it was told, and loads whatever it holds. */
    private static final class RecordingStore implements SessionTokenStore {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Optional<SessionToken> held;

        RecordingStore(Optional<SessionToken> held) {
            this.held = held;
        }

        @Override
        public Optional<SessionToken> load(Instant now) {
            calls.add("load");
            return held;
        }

        @Override
        public void save(SessionToken token) {
            calls.add("save " + token.value());
            held = Optional.of(token);
        }

        @Override
        public void clear() {
            calls.add("clear");
            held = Optional.empty();
        }
    }

    /** Answers the n-th {@code auth} (0-based) with {@code script.apply(n)}, a format of (id, reply_to). */
    private void start(Function<Integer, String> script, SessionTokenStore store) {
        server = ScriptedServer.start((ws, message) -> {
            if ("auth".equals(message.get("type").asText())) {
                int n = auths.size();
                auths.add(message);
                ws.send(script.apply(n).formatted(n, message.get("id").asText()), true);
            }
        });
        transport = new WsTransport(1);
        LinkSettings settings = new LinkSettings(server.url(), Optional.empty(),
                Credentials.ofDevice("7", "the-secret"), Optional.empty(), Duration.ofSeconds(5),
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
                }, new CountingMetrics(), new Backoff(BackoffSettings.DEFAULT, new Random(1)), store);
        manager.start();
    }

    private static Optional<SessionToken> stored(String value, Instant expiresAt) {
        return Optional.of(new SessionToken("7", value, expiresAt));
    }

    private static String credential(JsonNode auth) {
        JsonNode body = auth.get("body");
        assertThat(body.has("secret") && body.has("session_token")).as(auth.toString()).isFalse();
        return body.has("session_token") ? "token " + body.get("session_token").asText()
                : "secret " + body.get("secret").asText();
    }

    @Test
    void storedToken_isPresentedWithoutTheSecret_andTheNewlyIssuedTokenIsStored() {
        RecordingStore store = new RecordingStore(stored("t-1", Instant.now().plusSeconds(60)));
        start(n -> AUTH_OK, store);

        Await.until("the issued token stored", () -> store.calls.contains("save t-2"));
        assertThat(auths).extracting(SessionTokenLinkTest::credential).containsExactly("token t-1");
        assertThat(store.calls).containsExactly("load", "save t-2");
        assertThat(store.held).contains(new SessionToken("7", "t-2", Instant.ofEpochMilli(EXPIRES_AT)));
    }

    @Test
    void refusedToken_isClearedFromTheStore_andTheSecretIsUsedAtOnce() {
        RecordingStore store = new RecordingStore(stored("t-1", Instant.now().plusSeconds(60)));
        start(n -> n == 0 ? TOKEN_EXPIRED : AUTH_OK, store);

        Await.until("the issued token stored", () -> store.calls.contains("save t-2"));
        assertThat(auths).extracting(SessionTokenLinkTest::credential).containsExactly("token t-1", "secret the-secret");
        assertThat(store.calls).containsExactly("load", "clear", "save t-2");
    }

    @Test
    void expiredToken_isNeverPresented_andClearedFromTheStore() {
        RecordingStore store = new RecordingStore(stored("t-1", Instant.now().minusSeconds(1)));
        start(n -> AUTH_OK, store);

        Await.until("the issued token stored", () -> store.calls.contains("save t-2"));
        assertThat(auths).extracting(SessionTokenLinkTest::credential).containsExactly("secret the-secret");
        assertThat(store.calls).containsExactly("load", "clear", "save t-2");
    }

    @Test
    void noStoredToken_theSecretFirst_thenTheIssuedTokenOnReconnect() {
        RecordingStore store = new RecordingStore(Optional.empty());
        start(n -> AUTH_OK, store);

        Await.until("live", () -> manager.isLive());
        manager.reconnectNow();
        Await.until("second auth answered", () -> auths.size() == 2 && manager.isLive());
        assertThat(auths).extracting(SessionTokenLinkTest::credential).containsExactly("secret the-secret", "token t-2");
    }
}
