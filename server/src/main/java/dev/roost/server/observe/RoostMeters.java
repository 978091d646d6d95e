package dev.roost.server.observe;

import dev.roost.server.command.CommandService;
import dev.roost.server.southbound.SessionRegistry;
import dev.roost.server.status.StatusService;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Roost's own meters on {@code /observe/metrics}, read from the services when scraped (nothing is
 * counted twice). Registered in Helidon's global registry, so one server per JVM reports them; a
 * closed server removes its meters.
 */
public final class RoostMeters implements AutoCloseable {
    private final MeterRegistry registry = Metrics.globalRegistry();
    private final List<Meter> meters = new ArrayList<>();

    public RoostMeters(SessionRegistry sessions, StatusService status, CommandService commands) {
        gauge("roost.device.sessions", "authenticated device sessions", () -> sessions.liveCount());
        gauge("roost.device.connections", "open device WebSocket connections, authenticated or not",
                () -> sessions.openCount());
        counter("roost.status.reports", "status reports applied (snapshots and diffs)", status,
                StatusService::reportsAccepted);
        counter("roost.status.rows.written", "latest-status rows upserted (one per device per flush)", status,
                StatusService::rowsWritten);
        counter("roost.status.flush.milliseconds", "time spent writing status flushes", status,
                StatusService::flushMillis);
        gauge("roost.status.flush.lag.milliseconds", "how long the oldest report of the last flush waited",
                () -> status.lastFlushLagMillis());
        gauge("roost.status.pending", "devices whose latest report waits for the next flush",
                () -> status.pendingRows());
        gauge("roost.commands.running", "commands SENT or ACKED and not finished", () -> commands.runningCount());
    }

    private void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        meters.add(registry.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue())
                .description(description)));
    }

    private <T> void counter(String name, String description, T source, java.util.function.Function<T, Long> value) {
        meters.add(registry.getOrCreate(FunctionalCounter.builder(name, source, value).description(description)));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
