package dev.roost.server.southbound;

import dev.roost.server.support.Await;
import dev.roost.server.support.TestDevice;
import dev.roost.server.support.TestServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** roost.southbound.max-sessions: a full node refuses device upgrades with 503 and keeps serving its API. */
class SessionCapTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("southbound.max-sessions", "2"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What a device's upgrade request gets back: the raw response head, read until the server closes. */
    private static String upgradeResponse() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: roost.v1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            // Connection: close ends the stream; a socket timeout here fails the test.
            in.transferTo(read);
            return read.toString(StandardCharsets.US_ASCII);
        }
    }

    private static int health() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/observe/health")).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void aFullNodeRefusesTheNextDeviceBeforeTheUpgrade_andTakesOneAgainWhenASessionCloses() throws Exception {
        String[] first = server.registerDevice("cap-1");
        String[] second = server.registerDevice("cap-2");
        String[] third = server.registerDevice("cap-3");
        try (TestDevice one = TestDevice.connect(server.port());
             TestDevice two = TestDevice.connect(server.port())) {
            one.authenticate(first[0], first[1]);
            two.authenticate(second[0], second[1]);

            String refused = upgradeResponse();
            assertThat(refused).startsWith("HTTP/1.1 503");
            assertThat(refused.toLowerCase()).contains("retry-after: " + SessionCap.RETRY_AFTER.toSeconds())
                    .doesNotContain("sec-websocket-accept");
            assertThat(server.server().sessions().openCount()).as("the refused device holds nothing").isEqualTo(2);
            assertThat(health()).as("health still answers on a full node").isEqualTo(200);

            one.close();
            Await.until("the first session is gone", () -> server.server().sessions().openCount() < 2);
            try (TestDevice three = TestDevice.connect(server.port())) {
                assertThat(three.authenticate(third[0], third[1]).path("device_id").asText()).isEqualTo(third[0]);
            }
        }
    }

    @Test
    void theDefaultCapKeepsDescriptorsFreeBesideTheOpenFileLimit() {
        Config none = Config.just(ConfigSources.create(Map.of()));
        assertThat(SouthboundSettings.maxSessions(none, OptionalLong.of(20_000))).hasValue(19_000);
        assertThat(SouthboundSettings.maxSessions(none, OptionalLong.of(1_024))).as("at least half").hasValue(512);
        assertThat(SouthboundSettings.maxSessions(none, OptionalLong.empty())).as("limit unknown").isEmpty();
        assertThat(SouthboundSettings.maxSessions(none, OptionalLong.of(Long.MAX_VALUE))).isEmpty();

        Config configured = Config.just(ConfigSources.create(Map.of("max-sessions", "5")));
        assertThat(SouthboundSettings.maxSessions(configured, OptionalLong.of(20_000))).isEqualTo(OptionalInt.of(5));
        Config off = Config.just(ConfigSources.create(Map.of("max-sessions", "0")));
        assertThat(SouthboundSettings.maxSessions(off, OptionalLong.of(20_000))).as("0 is no cap").isEmpty();
    }
}
