package dev.roost.server.northbound.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.server.status.DeviceStatus;

/**
 * A device's reported state in the legacy status shape ({@code CPU_info}, {@code Memory_info},
 * {@code Disk_info}). A state that carries those members already (as a legacy agent reports them)
 * is passed through; otherwise they are derived from Roost's {@code memory} and {@code disks}
 * (protocol.md). Roost agents report CPU percentages, not the legacy cumulative CPU times, so the
 * derived {@code CPU_info} members are null.
 */
final class LegacyStatus {
    private static final double MIB = 1024.0 * 1024.0;

    private LegacyStatus() {
    }

    static ObjectNode of(DeviceStatus status) {
        JsonNode reported = status.reported();
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("device_id", status.deviceId().toString());
        data.set("CPU_info", reported.has("CPU_info") ? reported.get("CPU_info") : cpu());
        data.set("Memory_info", reported.has("Memory_info") ? reported.get("Memory_info")
                : memory(reported.path("memory")));
        data.set("Disk_info", reported.has("Disk_info") ? reported.get("Disk_info") : disk(reported.path("disks")));
        data.put("dev_state", "online");
        data.put("online", status.online());
        data.set("reported", reported);
        return data;
    }

    private static ObjectNode cpu() {
        ObjectNode cpu = JsonNodeFactory.instance.objectNode();
        cpu.putNull("user_cpu_time");
        cpu.putNull("system_cpu_time");
        cpu.putNull("idle_cpu_time");
        cpu.putNull("io_wait_cpu_time");
        return cpu;
    }

    private static ObjectNode memory(JsonNode memory) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        putMib(node, "total_memory_mb", memory.path("total_bytes"));
        putMib(node, "free_memory_mb", memory.path("free_bytes"));
        putMib(node, "buff_cache_mb", memory.path("buff_cache_bytes"));
        return node;
    }

    private static ObjectNode disk(JsonNode disks) {
        JsonNode root = null;
        for (JsonNode disk : disks) {
            if ("/".equals(disk.path("mount").asText())) {
                root = disk;
            }
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (root == null || !root.path("total_bytes").isNumber() || !root.path("free_bytes").isNumber()) {
            node.putNull("root_total_size_mb");
            node.putNull("root_used_size_mb");
            node.putNull("root_used_percent");
            return node;
        }
        long total = root.get("total_bytes").asLong();
        long used = total - root.get("free_bytes").asLong();
        node.put("root_total_size_mb", Math.round(total / MIB));
        node.put("root_used_size_mb", Math.round(used / MIB));
        node.put("root_used_percent", total == 0 ? 0.0 : Math.round(used * 1000.0 / total) / 10.0);
        return node;
    }

    private static void putMib(ObjectNode node, String name, JsonNode bytes) {
        if (bytes.isNumber()) {
            node.put(name, Math.round(bytes.asLong() / MIB));
        } else {
            node.putNull(name);
        }
    }
}
