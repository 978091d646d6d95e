package dev.roost.server.observe;

import dev.roost.server.cluster.ClusterNode;
import dev.roost.server.command.CommandService;
import dev.roost.server.event.EventRecorder;
import dev.roost.server.northbound.grpc.CancelledCallInterceptor;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.connection.ConnectionMonitor;
import dev.roost.server.security.LoginFailureLimiter;
import dev.roost.server.southbound.DeviceChannel;
import dev.roost.server.southbound.SessionCap;
import dev.roost.server.southbound.SessionRegistry;
import dev.roost.server.status.StatusService;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Roost's own meters on {@code /observe/metrics}, read from the services when scraped (nothing is
 * counted twice). They live in Helidon's global registry, so the first server of a JVM reports
 * them (a second one, as in tests, registers none) and removes them when it closes.
 */
public final class RoostMeters implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RoostMeters.class.getName());
    private static final String PREFIX = "roost.";
    private final MeterRegistry registry = Metrics.globalRegistry();
    private final List<Meter> meters = new ArrayList<>();

    public RoostMeters(SessionRegistry sessions, DeviceChannel channel, StatusService status,
                       CommandService commands, LoginFailureLimiter deviceLogins, ConnectionMonitor connections,
                       EventRecorder events, RejectedRows rejected, SessionCap cap, Optional<ClusterNode> cluster,
                       CancelledCallInterceptor cancelledCalls) {
        if (!registry.meters(meter -> meter.id().name().startsWith(PREFIX)).isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "another Roost server in this JVM reports the roost.* meters");
            return;
        }
        gauge("roost.device.sessions", "authenticated device sessions", () -> sessions.liveCount());
        gauge("roost.device.connections", "open device WebSocket connections, authenticated or not",
                () -> sessions.openCount());
        counter("roost.device.sessions.refused", "device WebSocket upgrades refused with 503 because the node held "
                + "roost.southbound.max-sessions connections", cap, SessionCap::refusals);
        counter("roost.device.uplink.refused", "device messages refused (v1: error RATE_LIMITED; v0: dropped) "
                + "because 64 of the connection's messages already waited to be handled", channel,
                DeviceChannel::uplinkRefused);
        gauge("roost.device.logins.waiting", "device logins queued for a login worker", () -> channel.loginsWaiting());
        counter("roost.device.close.wait.expired", "device connections closed by the server because the device "
                + "did not answer its close frame within close-wait", channel, DeviceChannel::closeWaitsExpired);
        gauge("roost.connections.open", "open TCP connections of the listener (REST, gRPC and WebSocket): "
                + "accepted and not closed", () -> connections.openCount());
        counter("roost.connections.accepted", "TCP connections accepted", connections,
                ConnectionMonitor::acceptedCount);
        counter("roost.connections.header.timeouts", "connections closed because their request headers did not "
                + "arrive within roost.connections.header-timeout", connections, ConnectionMonitor::headerTimeouts);
        counter("roost.connections.closed.after.connection.close", "connections the client kept open after a "
                + "Connection: close response, closed by the server", connections,
                ConnectionMonitor::closedAfterConnectionClose);
        counter("roost.grpc.answers.dropped", "gRPC calls that had more to send after their client cancelled "
                + "them (a deadline expired, a watch closed): not sent, as HTTP/2 requires", cancelledCalls,
                CancelledCallInterceptor::droppedAnswers);
        counter("roost.device.login.throttled", "device logins refused by the failed-login limits", deviceLogins,
                LoginFailureLimiter::refusals);
        counter("roost.device.login.limiter.evictions", "failed-login counters dropped while holding failures "
                + "because the limiter was full", deviceLogins, LoginFailureLimiter::evictions);
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
        counter("roost.storage.rows.rejected", "rows the database refused for their data, set aside so that "
                + "they hold up no other row", rejected, RejectedRows::total);
        counter("roost.events.dropped", "device events dropped, oldest first, while over a million waited for "
                + "the database", events, EventRecorder::dropped);
        gauge("roost.events.pending", "device events waiting to be written", () -> events.pending());
        gauge("roost.commands.running", "commands SENT or ACKED and not finished", () -> commands.runningCount());
        cluster.ifPresent(node -> {
            counter("roost.cluster.events.dropped", "device events of this node not forwarded to the other nodes "
                    + "because the NATS events connection's queue was full", node, ClusterNode::eventsDropped);
            counter("roost.cluster.events.skipped", "other nodes' device events not decoded because no listener "
                    + "or watch stream of this node needed them", node, ClusterNode::eventsSkipped);
        });
    }

    private void gauge(String name, String description, Supplier<Number> value) {
        meters.add(registry.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue())
                .description(description)));
    }

    private <T> void counter(String name, String description, T source, Function<T, Long> value) {
        meters.add(registry.getOrCreate(FunctionalCounter.builder(name, source, value).description(description)));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
