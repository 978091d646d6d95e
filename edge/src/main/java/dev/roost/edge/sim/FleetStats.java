package dev.roost.edge.sim;

import dev.roost.edge.link.LinkMetrics;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulated fleet saw: connections, failures, reconnects and round-trip latencies. */
public final class FleetStats implements LinkMetrics {
    final AtomicLong connects = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong failedAttempts = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
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

    public long connectedNow() {
        return connects.get() - disconnects.get();
    }

    /** One line for the console. */
    public String summary() {
        return String.format("connected=%d connects=%d reconnects=%d failed_attempts=%d disconnects=%d commands=%d"
                        + " | ping->pong ms p50=%.1f p90=%.1f p99=%.1f max=%.1f (n=%d)"
                        + " | status->ack ms p50=%.1f p90=%.1f p99=%.1f max=%.1f (n=%d)",
                connectedNow(), connects.get(), reconnects.get(), failedAttempts.get(), disconnects.get(), commands.get(),
                ms(ping, 50), ms(ping, 90), ms(ping, 99), ms(ping, 100), ping.count(),
                ms(status, 50), ms(status, 90), ms(status, 99), ms(status, 100), status.count());
    }

    private static double ms(LatencyRecorder recorder, double percentile) {
        return recorder.percentileMicros(percentile) / 1000.0;
    }
}
