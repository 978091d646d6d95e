package dev.roost.server.northbound.legacy;

import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** roost.legacy.rest.open: the legacy paths without a token, only from the configured networks. */
class LegacyOpenAccessTest {
    private static Reply groups(TestServer server, String token) {
        return server.rest().send(server.rest().request("/service/devices_manage/group_all_query", token)
                .header("Content-Type", "application/json").GET());
    }

    @Test
    void open_fromATrustedNetwork_needsNoToken_andHealthSaysSo() {
        try (TestServer server = TestServer.start(Map.of("legacy.rest.open", "true"))) {
            Reply reply = groups(server, null);
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            assertThat(reply.body().get("status").asText()).isEqualTo("success");
            Reply added = server.rest().send(server.rest().request("/service/devices_manage/group_add", null)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"group_name\":\"open-lab\"}")));
            assertThat(added.status()).as(added.raw()).isEqualTo(200);

            assertThat(server.rest().get("/api/v1/groups", null).status()).isEqualTo(401);
            assertThat(groups(server, "not-a-valid-token").status()).isEqualTo(401);

            Reply health = server.rest().get("/observe/health", null);
            assertThat(health.raw()).contains("legacy-rest");
            assertThat(health.body().toString()).contains("\"open\":true").contains("127.0.0.1/32");
        }
    }

    @Test
    void open_fromAnUntrustedNetwork_stillNeedsAToken() {
        try (TestServer server = TestServer.start(Map.of("legacy.rest.open", "true",
                "legacy.rest.clients", "10.0.0.0/8, fd00::/8"))) {
            assertThat(groups(server, null).status()).isEqualTo(401);
            assertThat(groups(server, TestServer.ADMIN_TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void closedByDefault_andBadNetworksStopTheStart() {
        try (TestServer server = TestServer.start()) {
            assertThat(groups(server, null).status()).isEqualTo(401);
            assertThat(server.rest().get("/observe/health", null).body().toString()).contains("\"open\":false");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LegacyRestSettings.create(
                        io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(
                                Map.of("open", "true", "clients", "legacy-host")))))
                .hasMessageContaining("clients").hasMessageContaining("legacy-host");
    }
}
