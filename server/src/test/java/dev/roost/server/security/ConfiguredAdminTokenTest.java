package dev.roost.server.security;

import dev.roost.server.support.TestDatabase;
import dev.roost.server.support.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's flow: a server started once (without, or with another ROOST_ADMIN_TOKEN) and then
 * started with ROOST_ADMIN_TOKEN set must accept that token.
 */
@Tag("db")
class ConfiguredAdminTokenTest {
    private static final String FIRST = "first-configured-token-0123";
    private static final String SECOND = "second-configured-token-456";

    @Test
    void configuredToken_isValidAfterRestart_andReplacesThePreviousValue() {
        try (TestDatabase database = TestDatabase.create()) {
            String generated;
            try (TestServer server = TestServer.start(database, withoutConfiguredToken())) {
                generated = server.generatedAdminToken().orElseThrow();
            }
            try (TestServer server = TestServer.start(database, Map.of("admin.token", FIRST))) {
                assertThat(server.generatedAdminToken()).isEmpty();
                assertThat(status(server, FIRST)).isEqualTo(200);
                assertThat(status(server, generated)).as("the printed initial token stays valid").isEqualTo(200);
            }
            try (TestServer server = TestServer.start(database, Map.of("admin.token", SECOND))) {
                assertThat(status(server, SECOND)).isEqualTo(200);
                assertThat(status(server, FIRST)).as("a changed variable retires the old value").isEqualTo(401);
            }
            try (TestServer server = TestServer.start(database, Map.of("admin.token", SECOND))) {
                assertThat(status(server, SECOND)).isEqualTo(200);
                var live = server.rest().get("/api/v1/tokens", SECOND).data();
                long envTokens = 0;
                for (var token : live.isArray() ? live : live.path("tokens")) {
                    if (AccessService.CONFIGURED_TOKEN_NAME.equals(token.path("name").asText())) {
                        envTokens++;
                    }
                }
                assertThat(envTokens).as("an unchanged variable adds no token: " + live).isEqualTo(1);
            }
        }
    }

    private static Map<String, String> withoutConfiguredToken() {
        Map<String, String> values = new HashMap<>();
        values.put("admin.token", "");
        return values;
    }

    private static int status(TestServer server, String token) {
        return server.rest().get("/api/v1/devices", token).status();
    }
}
