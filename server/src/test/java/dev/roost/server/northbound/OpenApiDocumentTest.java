package dev.roost.server.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roost.server.support.RestClient.Reply;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document in META-INF/openapi.yaml is what GET /openapi serves, without a token. */
class OpenApiDocumentTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void openapi_servesTheYamlDocumentWithoutAToken() {
        Reply reply = server.rest().send(server.rest().request("/openapi", null).GET());

        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        assertThat(reply.raw())
                .startsWith("openapi: 3.0.3")
                .contains("/api/v1/devices", "/service/devices_manage/device_add", "bearerAuth");
    }

    @Test
    void openapi_asJson_describesTheRoutesAndTheBearerScheme() {
        Reply reply = server.rest().send(server.rest().request("/openapi", null)
                .header("Accept", "application/json").GET());

        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        JsonNode document = reply.body();
        assertThat(document).as(reply.raw()).isNotNull();
        assertThat(document.path("openapi").asText()).isEqualTo("3.0.3");
        List<String> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/api/v1/devices", "/api/v1/devices/{id}", "/api/v1/groups/{id}/members",
                "/api/v1/events", "/api/v1/login", "/api/v1/tokens/{id}",
                "/service/devices_manage/give_order");
        assertThat(paths).contains("/api/v1/devices/{id}/status", "/api/v1/devices/{id}/desired",
                "/api/v1/devices/{id}/commands", "/api/v1/commands/{id}", "/api/v1/group-commands/{id}");
        assertThat(document.at("/paths/~1api~1v1~1devices~1{id}~1desired/patch/operationId").asText())
                .isEqualTo("updateDesiredState");
        assertThat(document.at("/paths/~1service~1devices_manage~1give_order/post/tags/0").asText())
                .isEqualTo("legacy");
        assertThat(document.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        assertThat(document.at("/paths/~1api~1v1~1login/post/security").isArray()).isTrue();
        assertThat(document.at("/paths/~1api~1v1~1login/post/security")).isEmpty();
    }
}
