package dev.roost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time of a process, from Linux's /proc/&lt;pid&gt;/stat, so that the benchmark can report how
 * much of the machine the server and the load generator each used.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime. 100 on every mainstream Linux build. */
    private static final long TICKS_PER_SECOND = 100;
    private static final int UTIME = 11;
    private static final int STIME = 12;

    private ProcessCpu() {
    }

    /** User plus system CPU time consumed so far, in nanoseconds; empty when unreadable. */
    static Optional<Long> cpuNanos(long pid) {
        try {
            return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads busy time from /proc/stat's "cpu user nice system idle iowait irq softirq steal ..."
     * line: everything but idle and iowait.
     */
    static long parseMachineBusy(String cpuLine) {
        String[] fields = cpuLine.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** Reads utime + stime from a /proc/&lt;pid&gt;/stat line (the command name may hold spaces). */
    static long parse(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
