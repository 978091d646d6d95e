package dev.roost.server.southbound;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's cap on device connections ({@code roost.southbound.max-sessions}): while the node holds
 * that many, a WebSocket upgrade to {@link Southbound#PATH} is answered {@code 503} with
 * {@code Retry-After} and {@code Connection: close} before any handshake, so the socket is given
 * back at once and the descriptors left serve the API and health checks. The device (or its load
 * balancer) goes to another node.
 *
 * <p>Every open connection counts, authenticated or not, since each holds a descriptor. The check
 * and the upgrade are not one step: upgrades that pass the check at the same moment may exceed
 * the cap by their number, which the descriptors kept free beside the cap absorb.
 *
 * <p>A device that reconnects while its old session here is still registered is refused like any
 * other: before the upgrade the server has not seen its {@code auth}, so it does not know which
 * device is asking. In a cluster the device logs in on another node, which closes the old session
 * here (protocol.md §3, replaced); on a single node the liveness sweep ends the old one after two
 * silent heartbeat intervals and the device's next attempt gets its place.
 */
public final class SessionCap {
    /** What a refused device is told to wait; short, since another node may take it at once. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(SessionCap.class.getName());
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final HeaderName RETRY_AFTER_HEADER = HeaderNames.create("Retry-After");

    private final OptionalInt max;
    private final SessionRegistry sessions;
    private final Clock clock;
    private final LongAdder refused = new LongAdder();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong refusedAtLastLog = new AtomicLong();

    public SessionCap(OptionalInt max, SessionRegistry sessions, Clock clock) {
        this.max = max;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Whether a new device connection would exceed the cap now. */
    boolean full() {
        return max.isPresent() && sessions.openCount() >= max.getAsInt();
    }

    /** Device connections refused at upgrade since the start. */
    public long refusals() {
        return refused.sum();
    }

    /**
     * The HTTP filter that refuses device upgrades while the node is full; register it early, so
     * that a refusal costs little other filters' work. Every other request passes untouched.
     */
    public Filter upgradeFilter() {
        return (chain, req, res) -> {
            if (max.isPresent() && req.headers().contains(HeaderNames.UPGRADE)
                    && Southbound.PATH.equals(req.path().path()) && full()) {
                refuse();
                res.status(Status.SERVICE_UNAVAILABLE_503)
                        .header(RETRY_AFTER_HEADER, Long.toString(RETRY_AFTER.toSeconds()))
                        .header(HeaderValues.CONNECTION_CLOSE)
                        .send("this node holds its maximum of device sessions; connect to another node");
                return;
            }
            chain.proceed();
        };
    }

    private void refuse() {
        refused.increment();
        long now = clock.millis();
        long due = nextLogAt.get();
        if (now >= due && nextLogAt.compareAndSet(due, now + LOG_INTERVAL.toMillis())) {
            long total = refused.sum();
            long since = total - refusedAtLastLog.getAndSet(total);
            LOG.log(System.Logger.Level.WARNING, "refusing device connections with 503: {0} open, "
                    + "roost.southbound.max-sessions is {1}; {2} refused since the last such message",
                    String.valueOf(sessions.openCount()), String.valueOf(max.getAsInt()), String.valueOf(since));
        }
    }
}
