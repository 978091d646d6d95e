package dev.roost.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** CPU used by a few named processes between {@link #start} and {@link #stop}, in cores. */
final class CpuMeter {
    private final Map<String, Long> pids;
    private final Map<String, Long> startNanos = new LinkedHashMap<>();
    private long startedAt;

    CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
    }

    void start() {
        startedAt = System.nanoTime();
        pids.forEach((name, pid) -> ProcessCpu.cpuNanos(pid).ifPresent(nanos -> startNanos.put(name, nanos)));
    }

    /** Average cores each process used since {@link #start}; processes that could not be read are left out. */
    Map<String, Double> stop() {
        long elapsed = System.nanoTime() - startedAt;
        Map<String, Double> cores = new LinkedHashMap<>();
        startNanos.forEach((name, before) -> {
            Optional<Long> after = ProcessCpu.cpuNanos(pids.get(name));
            after.ifPresent(nanos -> cores.put(name, (nanos - before) / (double) elapsed));
        });
        return cores;
    }
}
