package dev.roost.edge.sim;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code simulate} prints about its fleet (scripts parse it; docs/edge.md shows the format):
 * <ul>
 *   <li>every {@code --summary-every}: {@code t=…s <cumulative summary> | <memory> | interval <latencies>}
 *       — the interval is the samples since the previous such line, from the same histogram
 *       snapshot as the cumulative part;</li>
 *   <li>with {@code --print-histograms}, after each of those:
 *       {@code HISTOGRAM t=…s from_ms=… to_ms=… ping_us=… status_us=…}, that interval's buckets, so
 *       that any window and any number of simulators can be merged into exact percentiles;</li>
 *   <li>at the end: {@code SUMMARY hold seconds=… <latencies>} over everything recorded after all
 *       devices connected (when they did), then the unchanged {@code SUMMARY t=…} and
 *       {@code SUMMARY connect_time_s=…} lines.</li>
 * </ul>
 */
final class SummaryLines {
    private final FleetStats stats;
    private final PrintWriter out;
    private final boolean histograms;
    private final long startedNanos;
    private FleetStats.Latencies previous;
    private long previousAtMs;
    private FleetStats.Latencies holdFrom;
    private long holdFromNanos;

    SummaryLines(FleetStats stats, PrintWriter out, boolean histograms, long startedNanos) {
        this.stats = stats;
        this.out = out;
        this.histograms = histograms;
        this.startedNanos = startedNanos;
        this.previous = stats.latencies();
        this.previousAtMs = System.currentTimeMillis();
    }

    /** Every device is connected: the hold, whose latencies the final {@code SUMMARY hold} reports, begins. */
    void holdStarts() {
        holdFrom = stats.latencies();
        holdFromNanos = System.nanoTime();
    }

    /** The periodic line (and its {@code HISTOGRAM} line); the next interval starts now. */
    void periodic() {
        FleetStats.Latencies latest = stats.latencies();
        long atMs = System.currentTimeMillis();
        long elapsedNanos = System.nanoTime() - startedNanos;
        FleetStats.Latencies interval = latest.since(previous);
        out.println(line(stats.summary(latest), elapsedNanos) + " | interval " + interval.describe());
        if (histograms) {
            out.printf(Locale.ROOT, "HISTOGRAM t=%.0fs from_ms=%d to_ms=%d %s%n", elapsedNanos / 1e9, previousAtMs,
                    atMs, interval.buckets());
        }
        out.flush();
        previous = latest;
        previousAtMs = atMs;
    }

    /** The final lines; {@code allConnectedNanos} < 0 when not every device connected. */
    void finish(long allConnectedNanos, int devices) {
        if (holdFrom != null) {
            out.printf(Locale.ROOT, "SUMMARY hold seconds=%.1f %s%n", (System.nanoTime() - holdFromNanos) / 1e9,
                    stats.latencies().since(holdFrom).describe());
        }
        out.println("SUMMARY " + line(stats.summary(), System.nanoTime() - startedNanos));
        out.printf(Locale.ROOT, "SUMMARY connect_time_s=%.1f devices=%d%n",
                allConnectedNanos < 0 ? -1.0 : allConnectedNanos / 1e9, devices);
        out.flush();
    }

    private static String line(String summary, long elapsedNanos) {
        return String.format(Locale.ROOT, "t=%.0fs %s | %s", elapsedNanos / 1e9, summary, memory());
    }

    private static String memory() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format(Locale.ROOT, "heap_used_mb=%d heap_committed_mb=%d rss_mb=%d", heap.getUsed() >> 20,
                heap.getCommitted() >> 20, rssKb() >> 10);
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }
}
