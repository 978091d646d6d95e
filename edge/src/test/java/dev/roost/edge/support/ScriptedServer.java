package dev.roost.edge.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.net.URI;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A real WebSocket server on loopback that speaks {@code roost.v1} and hands every uplink message,
 * parsed, to a script: for link tests that need a server behaving in ways Roost's does not.
 */
public final class ScriptedServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebServer server;

    private ScriptedServer(BiConsumer<WsSession, JsonNode> script) {
        this.server = WebServer.builder().port(0).host("127.0.0.1")
                .addRouting(WsRouting.builder().endpoint("/ws", () -> new Listener(script))).build().start();
    }

    public static ScriptedServer start(BiConsumer<WsSession, JsonNode> script) {
        return new ScriptedServer(script);
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    @Override
    public void close() {
        server.stop();
    }

    private record Listener(BiConsumer<WsSession, JsonNode> script) implements WsListener {
        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            WritableHeaders<?> response = WritableHeaders.create();
            response.set(HeaderValues.create(HeaderNames.create("Sec-WebSocket-Protocol"), "roost.v1"));
            return Optional.of(response);
        }

        @Override
        public void onMessage(WsSession ws, String text, boolean last) {
            try {
                script.accept(ws, JSON.readTree(text));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the link sent text that is not JSON: " + text, e);
            }
        }
    }
}
