package dev.roost.server.cluster;

import dev.roost.server.config.InvalidConfigException;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSettingsTest {
    private static ClusterSettings read(Map<String, String> values) {
        return ClusterSettings.create(Config.just(ConfigSources.create(values)).get("roost.cluster"));
    }

    @Test
    void withoutANatsUrl_theServerRunsAlone() {
        assertThat(read(Map.of()).enabled()).isFalse();
    }

    @Test
    void theEnvironmentVariableRoostClusterNatsUrl_turnsClusteringOn() {
        // ROOST_CLUSTER_NATS_URL and ROOST_CLUSTER_NODE_NAME arrive as these keys.
        ClusterSettings settings = read(Map.of("roost.cluster.nats.url", "nats://n:4222",
                "roost.cluster.node.name", "edge-1"));
        assertThat(settings.natsUrl()).contains("nats://n:4222");
        assertThat(settings.nodeName()).isEqualTo("edge-1");
        assertThat(settings.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.leaseRefresh()).isEqualTo(Duration.ofSeconds(10).dividedBy(3));
    }

    @Test
    void badValues_nameTheirKey() {
        assertThatThrownBy(() -> read(Map.of("roost.cluster.name", "a.b"))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("roost.cluster.name");
        assertThatThrownBy(() -> read(Map.of("roost.cluster.lease-ttl", "PT0.5S")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("roost.cluster.lease-ttl");
    }
}
