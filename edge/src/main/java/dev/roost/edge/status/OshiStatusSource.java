package dev.roost.edge.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The host's CPU, memory, disks, network and uptime through OSHI. CPU percentages are over the
 * time since the previous collection (since boot for the first one).
 */
public final class OshiStatusSource implements StatusSource {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private final HardwareAbstractionLayer hardware;
    private final OperatingSystem os;
    private final ReentrantLock lock = new ReentrantLock();
    private long[] previousTicks;

    public OshiStatusSource() {
        SystemInfo info = new SystemInfo();
        this.hardware = info.getHardware();
        this.os = info.getOperatingSystem();
    }

    public long bootTimeEpochSeconds() {
        return os.getSystemBootTime();
    }

    @Override
    public ObjectNode collect() {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.set("cpu", cpu());
        state.set("memory", memory());
        state.set("disks", disks());
        state.set("network", network());
        state.put("uptime_s", os.getSystemUptime());
        return state;
    }

    private ObjectNode cpu() {
        CentralProcessor processor = hardware.getProcessor();
        long[] ticks = processor.getSystemCpuLoadTicks();
        long[] delta = ticks.clone();
        lock.lock();
        try {
            if (previousTicks != null) {
                for (int i = 0; i < ticks.length; i++) {
                    delta[i] = Math.max(0, ticks[i] - previousTicks[i]);
                }
            }
            previousTicks = ticks;
        } finally {
            lock.unlock();
        }
        long user = at(delta, TickType.USER) + at(delta, TickType.NICE);
        long system = at(delta, TickType.SYSTEM) + at(delta, TickType.IRQ) + at(delta, TickType.SOFTIRQ)
                + at(delta, TickType.STEAL);
        long idle = at(delta, TickType.IDLE);
        long iowait = at(delta, TickType.IOWAIT);
        long total = Math.max(1, user + system + idle + iowait);
        double[] load = processor.getSystemLoadAverage(3);
        return JsonNodeFactory.instance.objectNode()
                .put("usage_pct", percent(user + system, total))
                .put("user_pct", percent(user, total))
                .put("system_pct", percent(system, total))
                .put("idle_pct", percent(idle, total))
                .put("iowait_pct", percent(iowait, total))
                .put("load_1", round2(load[0]))
                .put("load_5", round2(load[1]))
                .put("load_15", round2(load[2]))
                .put("cores", processor.getLogicalProcessorCount());
    }

    private ObjectNode memory() {
        GlobalMemory memory = hardware.getMemory();
        Map<String, Long> meminfo = meminfo();
        long available = memory.getAvailable();
        long free = meminfo.getOrDefault("MemFree", available);
        long buffCache = meminfo.getOrDefault("Buffers", 0L) + meminfo.getOrDefault("Cached", 0L)
                + meminfo.getOrDefault("SReclaimable", 0L);
        return JsonNodeFactory.instance.objectNode()
                .put("total_bytes", memory.getTotal())
                .put("free_bytes", free)
                .put("available_bytes", available)
                .put("buff_cache_bytes", buffCache);
    }

    private ArrayNode disks() {
        ArrayNode disks = JsonNodeFactory.instance.arrayNode();
        List<OSFileStore> stores = os.getFileSystem().getFileStores(true);
        for (OSFileStore store : stores) {
            disks.addObject().put("mount", store.getMount())
                    .put("total_bytes", store.getTotalSpace())
                    .put("free_bytes", store.getUsableSpace());
        }
        return disks;
    }

    private ArrayNode network() {
        ArrayNode network = JsonNodeFactory.instance.arrayNode();
        for (NetworkIF nic : hardware.getNetworkIFs()) {
            nic.updateAttributes();
            network.addObject().put("name", nic.getName())
                    .put("rx_bytes", nic.getBytesRecv())
                    .put("tx_bytes", nic.getBytesSent());
        }
        return network;
    }

    /** Linux's free and buff/cache figures, which OSHI does not expose; empty elsewhere. */
    private static Map<String, Long> meminfo() {
        if (!Files.isReadable(MEMINFO)) {
            return Map.of();
        }
        try {
            return Files.readAllLines(MEMINFO).stream()
                    .map(line -> line.split(":\\s+"))
                    .filter(parts -> parts.length == 2 && parts[1].endsWith(" kB"))
                    .collect(Collectors.toMap(parts -> parts[0],
                            parts -> Long.parseLong(parts[1].replace(" kB", "").trim()) * 1024, (a, b) -> a));
        } catch (IOException | NumberFormatException e) {
            return Map.of();
        }
    }

    private static long at(long[] ticks, TickType type) {
        return type.getIndex() < ticks.length ? ticks[type.getIndex()] : 0;
    }

    private static double percent(long part, long total) {
        return Math.round(1000.0 * part / total) / 10.0;
    }

    private static double round2(double value) {
        return value < 0 ? -1 : Math.round(value * 100) / 100.0;
    }
}
