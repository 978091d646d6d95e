package dev.roost.edge.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.status.BootId;
import dev.roost.edge.status.StatusSource;

import java.util.SplittableRandom;

/**
 * Plausible, cheap device state for simulated devices: CPU and free memory wander, uptime grows,
 * disks and network stay small. Only a few members change between reports, like a real device.
 */
public final class SyntheticStatusSource implements StatusSource {
    private static final long TOTAL_MEMORY = 2L * 1024 * 1024 * 1024;

    private final SplittableRandom random;
    private final BootId bootId;
    private final long startedAt = System.currentTimeMillis();
    private final String agentVersion;
    private long rxBytes;
    private long txBytes;

    public SyntheticStatusSource(long seed, BootId bootId, String agentVersion) {
        this.random = new SplittableRandom(seed);
        this.bootId = bootId;
        this.agentVersion = agentVersion;
    }

    @Override
    public ObjectNode collect() {
        double usage = Math.round(random.nextDouble(1, 60) * 10) / 10.0;
        rxBytes += random.nextLong(100, 10_000);
        txBytes += random.nextLong(100, 5_000);
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode state = json.objectNode();
        state.putObject("cpu").put("usage_pct", usage).put("idle_pct", Math.round((100 - usage) * 10) / 10.0)
                .put("load_1", Math.round(usage / 25.0 * 100) / 100.0).put("cores", 4);
        long free = TOTAL_MEMORY / 4 + random.nextLong(0, TOTAL_MEMORY / 8) / 4096 * 4096;
        state.putObject("memory").put("total_bytes", TOTAL_MEMORY).put("free_bytes", free)
                .put("available_bytes", free * 2);
        state.putArray("disks").addObject().put("mount", "/").put("total_bytes", 32_000_000_000L)
                .put("free_bytes", 16_000_000_000L);
        state.putArray("network").addObject().put("name", "eth0").put("rx_bytes", rxBytes).put("tx_bytes", txBytes);
        state.put("uptime_s", (System.currentTimeMillis() - startedAt) / 1000);
        state.put("boot_id", bootId.current());
        state.put("agent_version", agentVersion);
        return state;
    }
}
