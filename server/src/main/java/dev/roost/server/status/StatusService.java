package dev.roost.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Body;
import dev.roost.protocol.MergePatch;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.Device;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventDetail.StatusDetail;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventInterest;
import dev.roost.server.event.EventType;
import dev.roost.server.security.Caller;
import dev.roost.server.security.Role;
import dev.roost.server.storage.RejectedRows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reported status: applies snapshots and diffs to the latest state held in memory, and persists it
 * coalesced — whatever a device reports within one flush interval costs one upsert — with a
 * sampled history ({@link StatusFlusher}). Reports never wait for the database.
 */
public final class StatusService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatusService.class.getName());
    /** Held in {@code latest} for a device known to have no stored report. */
    private static final Reported NOTHING_REPORTED = new Reported(0, new byte[0], Instant.EPOCH, "");

    private final StatusStore store;
    private final DeviceStore devices;
    private final DeviceLink link;
    private final EventBus events;
    private final Snowflake ids;
    private final Clock clock;
    private final ObjectMapper json;
    private final ConcurrentMap<Long, Reported> latest = new ConcurrentHashMap<>();
    private final LongAdder reportsAccepted = new LongAdder();
    private final StatusFlusher flusher;

    public StatusService(StatusStore store, DeviceStore devices, DeviceLink link, EventBus events, Snowflake ids,
                         Clock clock, StatusSettings settings, ObjectMapper json, RejectedRows rejected) {
        this.store = store;
        this.devices = devices;
        this.link = link;
        this.events = events;
        this.ids = ids;
        this.clock = clock;
        this.json = json;
        this.flusher = new StatusFlusher(store, ids, clock, settings, rejected);
        events.listen(EventInterest.types(EventType.LIFECYCLE), this::forgetDecommissioned);
        events.listenRemote(this::holdsReportOf, this::forgetReportedElsewhere);
    }

    /** Applies one uplink status report; answers with the ack or a resync request. */
    public Body report(DeviceId device, Messages.Status status) {
        while (true) {
            Optional<Reported> current = current(device);
            long version = current.map(Reported::version).orElse(0L);
            ObjectNode state;
            if (status.isDiff()) {
                if (current.isEmpty() || version != status.baseVersion()) {
                    return new Messages.ResyncRequired(version, "version gap");
                }
                state = MergePatch.apply(parse(current.get().json()), status.state());
            } else {
                state = status.state();
            }
            Instant now = clock.instant();
            Reported next = new Reported(nextVersion(version, now), bytes(state), now, state.path("boot_id").asText(""));
            boolean stored = current.isEmpty()
                    ? latest.replace(device.value(), NOTHING_REPORTED, next)
                            || latest.putIfAbsent(device.value(), next) == null
                    : latest.replace(device.value(), current.get(), next);
            if (!stored) {
                continue;
            }
            flusher.accepted(device, next);
            reportsAccepted.increment();
            events.publish(new DeviceEvent(ids.nextId(), device, now, EventType.STATUS, "device", DeviceState.ONLINE,
                    DeviceState.ONLINE, status.mode(), new StatusDetail(next.version(), next.bootId())));
            return new Messages.StatusAck(next.version());
        }
    }

    /**
     * Versions follow the clock: the next is the current time in milliseconds, or one more than
     * the last when that is not smaller. Reports are persisted coalesced, so a crash can lose the
     * last versions acked to a device; counting on from the stored version would then hand the
     * same numbers out again for other states. A version taken from the clock is above every
     * version acked before the crash, as long as no device reported more than once per
     * millisecond on average (the frame rate limit keeps them far below) and the wall clock did
     * not step back by more than the downtime.
     */
    static long nextVersion(long current, Instant now) {
        return Math.max(current + 1, now.toEpochMilli());
    }

    /** The other nodes' events {@link #forgetReportedElsewhere} acts on. */
    private boolean holdsReportOf(EventHeader header) {
        return (header.type() == EventType.STATUS || header.type() == EventType.CONNECTED)
                && latest.containsKey(header.deviceId().value());
    }

    /**
     * The device reports to another node of the cluster now: what this node holds of it is old.
     * Reads go to the store (at most a flush interval behind) until the device reports here again;
     * an older report still waiting here to be written never overwrites a newer stored one
     * ({@link StatusStore#write} keeps the higher version).
     */
    private void forgetReportedElsewhere(DeviceEvent event) {
        if (event.type() == EventType.STATUS || event.type() == EventType.CONNECTED) {
            latest.remove(event.deviceId().value());
        }
    }

    private void forgetDecommissioned(DeviceEvent event) {
        if (event.type() == EventType.LIFECYCLE && event.to() == DeviceState.DECOMMISSIONED) {
            latest.remove(event.deviceId().value());
            flusher.forget(event.deviceId());
        }
    }

    public long reportedVersion(DeviceId device) {
        return current(device).map(Reported::version).orElse(0L);
    }

    public Optional<String> bootId(DeviceId device) {
        return current(device).map(Reported::bootId).filter(id -> !id.isEmpty());
    }

    public DeviceStatus get(Caller caller, DeviceId device) {
        caller.require(Role.VIEWER);
        Device stored = devices.find(device).orElseThrow(() -> RoostException.notFound("device", device));
        Optional<Reported> current = current(device);
        return new DeviceStatus(device, link.isOnline(device), current.map(Reported::version).orElse(0L),
                current.<JsonNode>map(r -> parse(r.json())).orElse(JsonNodeFactory.instance.objectNode()),
                current.map(Reported::at), stored.lastSeenAt());
    }

    public Page<DeviceStatus> history(Caller caller, DeviceId device, Optional<Instant> since, Optional<Instant> until,
                                      PageRequest page) {
        caller.require(Role.VIEWER);
        if (devices.find(device).isEmpty()) {
            throw RoostException.notFound("device", device);
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "status flush before a history read failed", e);
        }
        return store.history(device, since, until, page).map(sample -> new DeviceStatus(device, false,
                sample.reported().version(), parse(sample.reported().json()), Optional.of(sample.reported().at()),
                Optional.empty()));
    }

    /** How long the oldest report of the last flush had waited, in milliseconds. */
    public long lastFlushLagMillis() {
        return flusher.lastFlushLagMillis();
    }

    /** Reports applied since start (snapshots and diffs). */
    public long reportsAccepted() {
        return reportsAccepted.sum();
    }

    /** Latest-status rows upserted since start: one per device per flush, however often it reported. */
    public long rowsWritten() {
        return flusher.rowsWritten();
    }

    /** Time spent in flushes since start, in milliseconds. */
    public long flushMillis() {
        return flusher.flushMillis();
    }

    /** Devices whose latest report waits for the next flush. */
    public int pendingRows() {
        return flusher.pendingRows();
    }


    /** Writes every pending report now. */
    public void flush() {
        flusher.flush();
    }



    /**
     * The latest report, from memory after the first read. That a device never reported is kept
     * too: the login reads it on a login worker, and the device's first report then finds it
     * without a database read on its connection's thread (a virtual thread parked deep inside
     * JDBC keeps a stack chunk of that depth for the session's life; docs/benchmarks.md, memory per
     * session).
     */
    private Optional<Reported> current(DeviceId device) {
        Reported cached = latest.get(device.value());
        if (cached == null) {
            latest.putIfAbsent(device.value(), store.latest(device).orElse(NOTHING_REPORTED));
            cached = latest.get(device.value());
        }
        return cached == null || cached == NOTHING_REPORTED ? Optional.empty() : Optional.of(cached);
    }

    private ObjectNode parse(byte[] bytes) {
        try {
            return (ObjectNode) json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("stored status is not JSON", e);
        }
    }

    private byte[] bytes(ObjectNode state) {
        try {
            return json.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        flusher.close();
    }
}
