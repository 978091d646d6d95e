package dev.roost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU used between {@link #start} and {@link #stop}, in cores: by a few named processes and by the
 * whole machine ("machine"), so that load from other processes on a shared host shows in results.
 */
final class CpuMeter {
    static final String MACHINE = "machine";

    private final Map<String, Long> pids;
    private final Map<String, Long> startNanos = new LinkedHashMap<>();
    private long startedAt;

    CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
    }

    void start() {
        startedAt = System.nanoTime();
        pids.forEach((name, pid) -> ProcessCpu.cpuNanos(pid).ifPresent(nanos -> startNanos.put(name, nanos)));
        machineBusyNanos().ifPresent(nanos -> startNanos.put(MACHINE, nanos));
    }

    /** Average cores each process used since {@link #start}; what could not be read is left out. */
    Map<String, Double> stop() {
        long elapsed = System.nanoTime() - startedAt;
        Map<String, Double> cores = new LinkedHashMap<>();
        startNanos.forEach((name, before) -> {
            Optional<Long> after = MACHINE.equals(name) ? machineBusyNanos() : ProcessCpu.cpuNanos(pids.get(name));
            after.ifPresent(nanos -> cores.put(name, (nanos - before) / (double) elapsed));
        });
        return cores;
    }

    /** Non-idle CPU time of all cores together, from the first line of /proc/stat. */
    private static Optional<Long> machineBusyNanos() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            return lines.findFirst().map(ProcessCpu::parseMachineBusy);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
