package dev.roost.edge.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.edge.link.Link;
import dev.roost.edge.link.LinkMetrics;
import dev.roost.protocol.MergePatch;
import dev.roost.protocol.Messages;
import dev.roost.protocol.Pdu;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Reports the device's state (docs/protocol.md §4 {@code status}): a snapshot when a session starts
 * or the server asks for a resync, otherwise every interval a merge patch against the last state
 * the server acknowledged. One report is in flight at a time. Runs on the device's event loop
 * ({@code loop}); collecting happens on {@code collector}, which may block.
 */
public final class StatusReporter {
    private static final System.Logger LOG = System.getLogger(StatusReporter.class.getName());

    private final StatusSource source;
    private final Executor collector;
    private final Executor loop;
    private final LinkMetrics metrics;
    private final long intervalMs;

    private Link link;
    private ObjectNode acked;
    private long ackedVersion;
    private String pendingId;
    private ObjectNode pendingState;
    private long pendingSentNanos;
    private boolean collecting;
    private boolean snapshotDue;
    private long nextReportAt;
    private ObjectNode latest;

    public StatusReporter(StatusSource source, Executor collector, Executor loop, LinkMetrics metrics,
                          Duration interval) {
        this.source = source;
        this.collector = collector;
        this.loop = loop;
        this.metrics = metrics;
        this.intervalMs = interval.toMillis();
    }

    /** A session started: the server gets a full snapshot first. */
    public void onLive(Link live) {
        link = live;
        pendingId = null;
        snapshotDue = true;
        collectAndSend();
    }

    public void onDown() {
        link = null;
        pendingId = null;
    }

    public void onTick(long now) {
        if (link != null && pendingId == null && !collecting && now >= nextReportAt) {
            collectAndSend();
        }
    }

    /** Report soon, outside the interval (e.g. after applying desired state). */
    public void reportSoon() {
        nextReportAt = 0;
    }

    /** The last collected state, if any (the agent's latest status while offline). */
    public Optional<ObjectNode> latest() {
        return Optional.ofNullable(latest);
    }

    public void onAck(Pdu pdu) {
        if (pendingId == null || pdu.replyTo().filter(pendingId::equals).isEmpty()) {
            return;
        }
        metrics.statusRoundTrip(System.nanoTime() - pendingSentNanos);
        ackedVersion = pdu.body(Messages.StatusAck.class).version();
        acked = pendingState;
        pendingId = null;
        LOG.log(System.Logger.Level.DEBUG, "status acked, version {0}", Long.toString(ackedVersion));
    }

    public void onResync(Pdu pdu) {
        LOG.log(System.Logger.Level.INFO, "server asked for a snapshot: {0}",
                pdu.body(Messages.ResyncRequired.class).reason());
        pendingId = null;
        snapshotDue = true;
        collectAndSend();
    }

    private void collectAndSend() {
        collecting = true;
        collector.execute(() -> {
            ObjectNode state;
            try {
                state = source.collect();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "collecting status failed", e);
                loop.execute(() -> {
                    collecting = false;
                    nextReportAt = System.currentTimeMillis() + intervalMs;
                });
                return;
            }
            loop.execute(() -> send(state));
        });
    }

    private void send(ObjectNode state) {
        collecting = false;
        latest = state;
        nextReportAt = System.currentTimeMillis() + intervalMs;
        if (link == null || pendingId != null) {
            return;
        }
        Messages.Status status;
        if (snapshotDue || acked == null || ackedVersion == 0) {
            status = Messages.Status.snapshot(state);
        } else {
            ObjectNode patch = MergePatch.diff(acked, state);
            if (patch.isEmpty()) {
                return;
            }
            status = Messages.Status.diff(ackedVersion, patch);
        }
        Optional<String> id = link.send(status);
        if (id.isPresent()) {
            snapshotDue = false;
            pendingId = id.get();
            pendingState = state;
            pendingSentNanos = System.nanoTime();
        }
    }
}
