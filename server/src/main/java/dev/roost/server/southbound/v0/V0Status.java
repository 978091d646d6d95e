package dev.roost.server.southbound.v0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Maps a v0 status upload ({@code CPU_info}, {@code Memory_info}, {@code Disk_info};
 * v0-protocol.md §6) into Roost's status model (protocol.md, {@code status}): {@code cpu} as
 * percentages, {@code memory} and {@code disks} in bytes, the upload itself kept under
 * {@code legacy}. The controller reports cumulative CPU seconds since boot, so the percentages
 * are computed over the time since the previous upload of this session, and over the time since
 * boot for the first one. Members that are missing or not numbers are left out, never guessed.
 * One instance per session; used by its reader thread only.
 */
final class V0Status {
    private static final long MIB = 1024L * 1024L;
    private static final String[] CPU_TIMES = {"user_cpu_time", "system_cpu_time", "idle_cpu_time",
        "io_wait_cpu_time"};

    /** The previous upload's CPU times, for the next upload's percentages. */
    private double[] previousCpu;

    ObjectNode toRoost(JsonNode upload) {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        if (upload.isObject()) {
            cpu(upload.path("CPU_info")).ifPresent(cpu -> state.set("cpu", cpu));
            ObjectNode memory = memory(upload.path("Memory_info"));
            if (!memory.isEmpty()) {
                state.set("memory", memory);
            }
            ObjectNode disk = rootDisk(upload.path("Disk_info"));
            if (disk.has("total_bytes")) {
                state.putArray("disks").add(disk);
            }
        }
        state.set("legacy", upload.deepCopy());
        return state;
    }

    private java.util.Optional<ObjectNode> cpu(JsonNode info) {
        double[] now = new double[CPU_TIMES.length];
        for (int i = 0; i < CPU_TIMES.length; i++) {
            JsonNode value = info.path(CPU_TIMES[i]);
            if (!value.isNumber() || value.asDouble() < 0) {
                previousCpu = null;
                return java.util.Optional.empty();
            }
            now[i] = value.asDouble();
        }
        double[] delta = now.clone();
        if (previousCpu != null && now[0] >= previousCpu[0] && now[1] >= previousCpu[1] && now[2] >= previousCpu[2]
                && now[3] >= previousCpu[3]) {
            for (int i = 0; i < delta.length; i++) {
                delta[i] = now[i] - previousCpu[i];
            }
        }
        previousCpu = now;
        // On Linux psutil's user/system/idle exclude iowait: the four add up to the elapsed CPU time.
        double total = delta[0] + delta[1] + delta[2] + delta[3];
        if (total <= 0) {
            return java.util.Optional.empty();
        }
        ObjectNode cpu = JsonNodeFactory.instance.objectNode();
        cpu.put("user_pct", percent(delta[0], total));
        cpu.put("system_pct", percent(delta[1], total));
        cpu.put("idle_pct", percent(delta[2], total));
        cpu.put("iowait_pct", percent(delta[3], total));
        cpu.put("usage_pct", percent(total - delta[2] - delta[3], total));
        return java.util.Optional.of(cpu);
    }

    private static double percent(double part, double total) {
        return Math.round(part * 1000.0 / total) / 10.0;
    }

    private static ObjectNode memory(JsonNode info) {
        ObjectNode memory = JsonNodeFactory.instance.objectNode();
        putBytes(memory, "total_bytes", info.path("total_memory_mb"));
        putBytes(memory, "free_bytes", info.path("free_memory_mb"));
        putBytes(memory, "buff_cache_bytes", info.path("buff_cache_mb"));
        return memory;
    }

    private static ObjectNode rootDisk(JsonNode info) {
        ObjectNode disk = JsonNodeFactory.instance.objectNode().put("mount", "/");
        JsonNode total = info.path("root_total_size_mb");
        JsonNode used = info.path("root_used_size_mb");
        if (total.isNumber() && used.isNumber() && total.asLong() >= used.asLong() && used.asLong() >= 0) {
            disk.put("total_bytes", total.asLong() * MIB);
            disk.put("free_bytes", (total.asLong() - used.asLong()) * MIB);
        }
        return disk;
    }

    private static void putBytes(ObjectNode target, String name, JsonNode mib) {
        if (mib.isNumber() && mib.asLong() >= 0 && mib.asLong() < Long.MAX_VALUE / MIB) {
            target.put(name, mib.asLong() * MIB);
        }
    }
}
