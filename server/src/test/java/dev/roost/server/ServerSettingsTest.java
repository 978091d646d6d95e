package dev.roost.server;

import dev.roost.server.config.InvalidConfigException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSettingsTest {

    private static Config roost(Map<String, String> values) {
        java.util.Map<String, String> prefixed = new java.util.HashMap<>();
        values.forEach((k, v) -> prefixed.put("roost." + k, v));
        return Config.just(ConfigSources.create(prefixed)).get("roost");
    }

    @Test
    void defaults_areTheDocumentedOnes() {
        ServerSettings settings = ServerSettings.create(roost(Map.of()));
        assertThat(settings.db().url()).startsWith("jdbc:h2:file:./data/roost");
        assertThat(settings.nodeId()).isZero();
        assertThat(settings.bcryptCost()).isEqualTo(10);
        assertThat(settings.authFailureWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.tls()).isEmpty();
        assertThat(settings.adminToken()).isEmpty();
    }

    @Test
    void nodeIdOutOfRange_namesTheKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("snowflake.node", "5000"))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("roost.snowflake.node: must be 0..1023, was 5000");
    }

    @Test
    void nonNumericCost_namesTheKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("bcrypt.cost", "ten"))))
                .hasMessageStartingWith("roost.bcrypt.cost: must be a whole number");
    }

    @Test
    void badDuration_namesTheKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("auth.failure-window", "60s"))))
                .hasMessageStartingWith("roost.auth.failure-window: must be an ISO-8601 duration");
    }

    @Test
    void zeroDuration_isRefusedWhereAWaitIsNeeded_andTakenForTheWriteWindowAndTheAckDelay() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("auth.failure-window", "PT0S"))))
                .hasMessage("roost.auth.failure-window: must be positive, was PT0S");
        assertThat(ServerSettings.create(roost(Map.of("commands.write-window", "PT0S"))).commands().writeWindow())
                .isZero();
        assertThat(ServerSettings.create(roost(Map.of())).commands().writeWindow()).as("the default")
                .isEqualTo(Duration.ofMillis(2));
        assertThat(ServerSettings.create(roost(Map.of("commands.write-window", "PT0.002S"))).commands().writeWindow())
                .isEqualTo(Duration.ofMillis(2));
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("commands.write-window", "-PT1S"))))
                .hasMessage("roost.commands.write-window: must not be negative, was -PT1S");
        assertThat(ServerSettings.create(roost(Map.of())).commands().ackWriteDelay()).as("the default")
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(ServerSettings.create(roost(Map.of("commands.ack-write-delay", "PT0S"))).commands()
                .ackWriteDelay()).isZero();
    }

    @Test
    void unknownDatabaseUrl_namesTheKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("db.url", "jdbc:postgresql://x/y"))))
                .hasMessageStartingWith("roost.db.url:");
    }

    @Test
    void tlsCertWithoutKey_namesTheMissingKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.cert", "/etc/hosts"))))
                .hasMessageStartingWith("roost.tls.key: is required");
    }

    @Test
    void clientAuthOutsideItsValues_namesTheKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.cert", "/etc/hosts", "tls.key", "/etc/hosts",
                "tls.client-auth", "want"))))
                .hasMessage("roost.tls.client-auth: must be none, optional or required, was 'want'");
    }

    @Test
    void requiredClientAuthWithoutClientCa_namesTheMissingKey() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.cert", "/etc/hosts", "tls.key", "/etc/hosts",
                "tls.client-auth", "required"))))
                .hasMessage("roost.tls.client-ca: is required when tls.client-auth is required");
    }

    @Test
    void clientCaWithoutClientAuth_isRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.cert", "/etc/hosts", "tls.key", "/etc/hosts",
                "tls.client-ca", "/etc/hosts"))))
                .hasMessageStartingWith("roost.tls.client-ca: is set but tls.client-auth is none");
    }

    @Test
    void clientAuthWithoutServerCertificate_needsTls() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.client-auth", "optional",
                "tls.client-ca", "/etc/hosts"))))
                .hasMessage("roost.tls.client-ca: needs tls.cert and tls.key: client certificates exist only over TLS");
    }

    @Test
    void clientCaWithoutCertificates_namesTheFile() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("tls.cert", "/etc/hosts", "tls.key", "/etc/hosts",
                "tls.client-auth", "optional", "tls.client-ca", "/etc/hosts"))))
                .hasMessageStartingWith("roost.tls.client-ca: file /etc/hosts");
    }

    @Test
    void shortAdminToken_isRejected() {
        assertThatThrownBy(() -> ServerSettings.create(roost(Map.of("admin.token", "short"))))
                .hasMessage("roost.admin.token: must be at least 16 characters");
    }
}
