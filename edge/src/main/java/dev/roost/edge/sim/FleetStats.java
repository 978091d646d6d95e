package dev.roost.edge.sim;

import dev.roost.edge.link.LinkMetrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** What the simulated fleet saw: connections, failures, reconnects and round-trip latencies. */
public final class FleetStats implements LinkMetrics {
    /** Both round trips' histograms at one moment, or (by {@link #since}) between two moments. */
    public record Latencies(LatencyHistogram ping, LatencyHistogram status) {
        public Latencies since(Latencies earlier) {
            return new Latencies(ping.since(earlier.ping), status.since(earlier.status));
        }

        /** {@code ping ms p50=… p99=… max=… (n=…) status ms p50=… p99=… max=… (n=…)}. */
        public String describe() {
            return String.format(Locale.ROOT, "ping ms p50=%.1f p99=%.1f max=%.1f (n=%d)"
                            + " status ms p50=%.1f p99=%.1f max=%.1f (n=%d)",
                    ms(ping, 50), ms(ping, 99), ms(ping, 100), ping.count(),
                    ms(status, 50), ms(status, 99), ms(status, 100), status.count());
        }

        /** {@code ping_us=… status_us=…}, each as {@link LatencyHistogram#buckets()}. */
        public String buckets() {
            return "ping_us=" + ping.buckets() + " status_us=" + status.buckets();
        }
    }

    final AtomicLong connects = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong failedAttempts = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
    /** Commands a device was sent again after it had answered them (not run again: answered again). */
    final AtomicLong duplicateCommands = new AtomicLong();
    final LatencyRecorder ping = new LatencyRecorder();
    final LatencyRecorder status = new LatencyRecorder();

    @Override
    public void connected(boolean reconnect) {
        connects.incrementAndGet();
        if (reconnect) {
            reconnects.incrementAndGet();
        }
    }

    @Override
    public void attemptFailed(String why) {
        failedAttempts.incrementAndGet();
    }

    @Override
    public void disconnected(int code, String reason) {
        disconnects.incrementAndGet();
    }

    @Override
    public void pingRoundTrip(long nanos) {
        ping.record(nanos);
    }

    @Override
    public void statusRoundTrip(long nanos) {
        status.record(nanos);
    }

    /** The round-trip histograms now; {@link Latencies#since} of two of them is an interval. */
    public Latencies latencies() {
        return new Latencies(ping.snapshot(), status.snapshot());
    }

    public long connectedNow() {
        return connects.get() - disconnects.get();
    }

    /** One line for the console; percentiles since the start. */
    public String summary() {
        return summary(latencies());
    }

    /** {@link #summary()} with the percentiles of {@code now}, a {@link #latencies()} just taken. */
    public String summary(Latencies now) {
        return String.format(Locale.ROOT, "connected=%d connects=%d reconnects=%d failed_attempts=%d disconnects=%d"
                        + " commands=%d duplicate_commands=%d"
                        + " | ping->pong ms p50=%.1f p90=%.1f p99=%.1f max=%.1f (n=%d)"
                        + " | status->ack ms p50=%.1f p90=%.1f p99=%.1f max=%.1f (n=%d)",
                connectedNow(), connects.get(), reconnects.get(), failedAttempts.get(), disconnects.get(), commands.get(),
                duplicateCommands.get(),
                ms(now.ping(), 50), ms(now.ping(), 90), ms(now.ping(), 99), ms(now.ping(), 100), now.ping().count(),
                ms(now.status(), 50), ms(now.status(), 90), ms(now.status(), 99), ms(now.status(), 100),
                now.status().count());
    }

    private static double ms(LatencyHistogram histogram, double percentile) {
        return histogram.percentileMicros(percentile) / 1000.0;
    }
}
