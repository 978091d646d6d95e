package dev.roost.edge.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OshiStatusSourceTest {
    @Test
    void collect_reportsCpuMemoryDisksNetworkAndUptime_underTheProtocolNames() {
        OshiStatusSource source = new OshiStatusSource();
        source.collect();
        ObjectNode state = source.collect();
        assertThat(state.at("/cpu/cores").asInt()).isPositive();
        assertThat(state.at("/cpu/usage_pct").asDouble()).isBetween(0.0, 100.0);
        assertThat(state.get("cpu").has("iowait_pct")).isTrue();
        assertThat(state.get("cpu").has("load_1")).isTrue();
        assertThat(state.at("/memory/total_bytes").asLong()).isPositive();
        assertThat(state.at("/memory/available_bytes").asLong()).isPositive();
        assertThat(state.get("memory").has("buff_cache_bytes")).isTrue();
        assertThat(state.get("disks").isArray()).isTrue();
        assertThat(state.get("network").isArray()).isTrue();
        assertThat(state.get("uptime_s").asLong()).isPositive();
        assertThat(BootId.ofSystem(source.bootTimeEpochSeconds()).current()).isNotBlank();
    }
}
