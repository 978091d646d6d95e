package dev.roost.server.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetailJson;
import dev.roost.server.event.EventQuery;
import dev.roost.server.event.EventType;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@link DeviceStore} on the relational database.
 *
 * <p>Over ~300 lines because it is the device table's one SQL adapter: registry writes, keyed
 * listing with label filters, the read-through cache and its invalidation, and the device log
 * ({@code EventStore}: a registry change and its lifecycle event share one transaction). Splitting
 * the log out would split those transactions, and the cache must see every write of the table.
 */
public final class JdbcDeviceStore implements DeviceStore {
    private static final System.Logger LOG = System.getLogger(JdbcDeviceStore.class.getName());
    private static final String COLUMNS = "d.id, d.name, d.device_type, d.hardware_serial, d.hardware_model, "
            + "d.software_version, d.software_updated_at, d.description, d.nics_json, d.labels_json, d.state, "
            + "d.created_at, d.updated_at, d.last_seen_at";
    private static final TypeReference<List<NetworkInterface>> NICS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() { };

    /** Read-through cache of devices by id; above this size it starts over. */
    private static final int MAX_CACHED = 200_000;
    /**
     * After another node said it changed a device, reads of it are not cached for this long: its
     * write (an event batch) may reach the database a flush interval after its event reached us.
     */
    private static final long REMOTE_WRITE_SETTLE_MILLIS = 1_000;

    private final Database db;
    private final ObjectMapper json;
    private final CountCache counts;
    private final ConcurrentMap<Long, CachedDevice> byId = new ConcurrentHashMap<>();
    /**
     * Devices another node changed a moment ago, with the time until which reads are not cached.
     * A lapsed entry goes at the device's next read, or with the sweep of lapsed entries that
     * {@link #forget} runs at most once per settle time (a device never read again here).
     */
    private final ConcurrentMap<Long, Long> settlingUntil = new ConcurrentHashMap<>();
    private final AtomicLong nextSettlingSweep = new AtomicLong();
    /** 0: entries live until a write evicts them; otherwise their maximum age. */
    private final long maxAgeMillis;
    private final Consumer<Collection<DeviceId>> announce;

    private record CachedDevice(Device device, long loadedAtMillis) {
    }
    /** Bumped by every write, so that a read racing a write never caches what it read before. */
    private final AtomicLong writes = new AtomicLong();
    private final AtomicInteger writesInFlight = new AtomicInteger();

    /** A store whose cache is kept exact by its own writes: the only writer of its database. */
    public JdbcDeviceStore(Database db, ObjectMapper json, CountCache counts) {
        this(db, json, counts, Duration.ZERO, devices -> { });
    }

    /**
     * A store of one node of several on the database.
     *
     * @param maxAge   how long a cached device is trusted without an eviction (zero: until evicted);
     *                 a backstop for the evictions of other nodes' writes that did not arrive
     * @param announce told, after each write, which devices' rows it wrote (the other nodes then
     *                 {@link #forget} them)
     */
    public JdbcDeviceStore(Database db, ObjectMapper json, CountCache counts, Duration maxAge,
                           Consumer<Collection<DeviceId>> announce) {
        this.db = db;
        this.json = json;
        this.counts = counts;
        this.maxAgeMillis = maxAge.toMillis();
        this.announce = announce;
    }

    @Override
    public void insert(Device device, String secretHash, DeviceEvent registered) {
        writing(List.of(device.id()), () -> insertNew(device, secretHash, registered));
    }

    private Void insertNew(Device device, String secretHash, DeviceEvent registered) {
        try {
            db.inTransaction(tx -> {
                tx.insert("INSERT INTO devices (id, name, device_type, hardware_serial, hardware_model, "
                                + "software_version, software_updated_at, description, nics_json, labels_json, state, "
                                + "secret_hash, created_at, updated_at, last_seen_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        device.id().value(), device.name(), device.type(), device.hardware().serial(),
                        device.hardware().model(), device.softwareVersion(), Rows.millis(device.softwareUpdatedAt()),
                        device.description(), write(device.networkInterfaces()), write(device.labels()),
                        device.state().name(), secretHash, device.createdAt().toEpochMilli(),
                        device.updatedAt().toEpochMilli(), Rows.millis(device.lastSeenAt()));
                insertLabels(tx, device.id(), device.labels());
                insertEvent(tx, registered);
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isConstraintViolation(e)) {
                throw new RoostException(ErrorCode.ALREADY_EXISTS, "a device with hardware serial '"
                        + device.hardware().serial() + "' and model '" + device.hardware().model() + "' exists");
            }
            throw e;
        }
        return null;
    }

    /**
     * Served from memory after the first read until a write evicts it: every write through this
     * store, and {@link #forget} for the writes of other nodes.
     */
    @Override
    public Optional<Device> find(DeviceId id) {
        CachedDevice cached = byId.get(id.value());
        long now = System.currentTimeMillis();
        if (cached != null && (maxAgeMillis == 0 || now - cached.loadedAtMillis() < maxAgeMillis)) {
            return Optional.of(cached.device());
        }
        long before = writesInFlight.get() == 0 ? writes.get() : -1;
        Optional<Device> found = db.client().execute().get("SELECT " + COLUMNS + " FROM devices d WHERE d.id = ?",
                id.value()).map(this::device);
        Long settling = settlingUntil.get(id.value());
        if (settling != null && settling < now) {
            settlingUntil.remove(id.value(), settling);
            settling = null;
        }
        if (found.isPresent() && writes.get() == before && writesInFlight.get() == 0 && settling == null) {
            if (byId.size() >= MAX_CACHED) {
                byId.clear();
            }
            byId.put(id.value(), new CachedDevice(found.get(), System.currentTimeMillis()));
        }
        return found;
    }

    @Override
    public void forget(DeviceId id) {
        long now = System.currentTimeMillis();
        long sweepDue = nextSettlingSweep.get();
        if (now >= sweepDue && nextSettlingSweep.compareAndSet(sweepDue, now + REMOTE_WRITE_SETTLE_MILLIS)) {
            settlingUntil.values().removeIf(until -> until < now);
        }
        settlingUntil.put(id.value(), now + REMOTE_WRITE_SETTLE_MILLIS);
        byId.remove(id.value());
        counts.invalidate();
    }

    /** Devices whose reads are not cached for now, lapsed or not (for tests). */
    int settlingCount() {
        return settlingUntil.size();
    }

    /**
     * Drops every cached device (a cluster node that may have missed other nodes' notices); a read
     * that overlapped this does not cache what it saw.
     */
    public void forgetAll() {
        writes.incrementAndGet();
        byId.clear();
        counts.invalidate();
    }

    /**
     * Runs a write and keeps the caches honest: totals and the written devices are forgotten, and
     * a read that overlapped the write does not cache what it saw (see {@link #find}).
     */
    private <T> T writing(Collection<DeviceId> devices, Supplier<T> write) {
        writesInFlight.incrementAndGet();
        writes.incrementAndGet();
        counts.invalidate();
        devices.forEach(device -> byId.remove(device.value()));
        try {
            return write.get();
        } finally {
            devices.forEach(device -> byId.remove(device.value()));
            counts.invalidate();
            writes.incrementAndGet();
            writesInFlight.decrementAndGet();
            // Also after a failure: a commit whose answer was lost may have written them after all.
            announceQuietly(devices);
        }
    }

    private void announceQuietly(Collection<DeviceId> devices) {
        if (devices.isEmpty()) {
            return;
        }
        try {
            announce.accept(devices);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "announcing a device write to the cluster failed: "
                    + e.getMessage());
        }
    }

    @Override
    public Optional<Device> findByHardware(Hardware hardware) {
        return db.client().execute().get("SELECT " + COLUMNS + " FROM devices d "
                        + "WHERE d.hardware_serial = ? AND d.hardware_model = ?", hardware.serial(), hardware.model())
                .map(this::device);
    }

    @Override
    public Optional<String> secretHash(DeviceId id) {
        return db.client().execute().get("SELECT secret_hash FROM devices WHERE id = ?", id.value())
                .map(row -> Rows.stringOf(row, "secret_hash"));
    }

    @Override
    public Page<Device> list(DeviceFilter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (!filter.states().isEmpty()) {
            where.append(" AND d.state IN (").append(Rows.placeholders(filter.states())).append(')');
            filter.states().forEach(state -> params.add(state.name()));
        }
        filter.group().ifPresent(group -> {
            where.append(" AND EXISTS (SELECT 1 FROM group_members m WHERE m.device_id = d.id AND m.group_id = ?)");
            params.add(group.value());
        });
        filter.labels().forEach((key, value) -> {
            where.append(" AND EXISTS (SELECT 1 FROM device_labels l WHERE l.device_id = d.id "
                    + "AND l.label_key = ? AND l.label_value = ?)");
            params.add(key);
            params.add(value);
        });
        filter.namePrefix().ifPresent(prefix -> {
            where.append(" AND d.name LIKE ?");
            params.add(Rows.likePrefix(prefix));
        });
        filter.modelPrefix().ifPresent(prefix -> {
            where.append(" AND d.hardware_model LIKE ?");
            params.add(Rows.likePrefix(prefix));
        });
        long total = count("SELECT COUNT(*) AS n FROM devices d" + where, params);
        List<Object> pageParams = new ArrayList<>(params);
        page.after().ifPresent(after -> {
            where.append(" AND d.id > ?");
            pageParams.add(after);
        });
        pageParams.add(page.size() + 1);
        try (Stream<DbRow> rows = db.client().execute().query(
                "SELECT " + COLUMNS + " FROM devices d" + where + " ORDER BY d.id LIMIT ?", pageParams.toArray())) {
            return Page.of(rows.map(this::device).toList(), page, d -> d.id().value(), total);
        }
    }

    @Override
    public Set<DeviceId> existing(Collection<DeviceId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        Object[] params = ids.stream().map(DeviceId::value).toArray();
        try (Stream<DbRow> rows = db.client().execute().query("SELECT id FROM devices WHERE id IN ("
                + Rows.placeholders(params.length) + ") AND state <> 'DECOMMISSIONED'", params)) {
            Set<DeviceId> found = new HashSet<>();
            rows.forEach(row -> found.add(new DeviceId(Rows.longOf(row, "id"))));
            return found;
        }
    }

    @Override
    public boolean update(Device device) {
        return writing(List.of(device.id()), () -> db.inTransaction(tx -> {
            long changed = tx.update("UPDATE devices SET name = ?, device_type = ?, software_version = ?, "
                            + "software_updated_at = ?, description = ?, nics_json = ?, labels_json = ?, updated_at = ? "
                            + "WHERE id = ?",
                    device.name(), device.type(), device.softwareVersion(), Rows.millis(device.softwareUpdatedAt()),
                    device.description(), write(device.networkInterfaces()), write(device.labels()),
                    device.updatedAt().toEpochMilli(), device.id().value());
            if (changed == 0) {
                return false;
            }
            tx.delete("DELETE FROM device_labels WHERE device_id = ?", device.id().value());
            insertLabels(tx, device.id(), device.labels());
            return true;
        }));
    }

    @Override
    public boolean transition(DeviceId id, DeviceState expected, DeviceEvent event) {
        return writing(List.of(id), () -> db.inTransaction(tx -> {
            long changed = tx.update("UPDATE devices SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                    event.to().name(), event.at().toEpochMilli(), id.value(), expected.name());
            if (changed == 0) {
                return false;
            }
            if (event.to() == DeviceState.DECOMMISSIONED) {
                tx.delete("DELETE FROM group_members WHERE device_id = ?", id.value());
            }
            insertEvent(tx, event);
            return true;
        }));
    }

    @Override
    public void updateSecretHash(DeviceId id, String secretHash, Instant at) {
        writing(List.of(id), () -> db.client().execute().update("UPDATE devices SET secret_hash = ?, updated_at = ?, "
                + "credential_version = credential_version + 1 WHERE id = ?", secretHash, at.toEpochMilli(), id.value()));
    }

    @Override
    public long resetPresence(Instant at) {
        byId.clear();
        return writing(List.of(), () -> db.client().execute().update("UPDATE devices SET state = 'OFFLINE', updated_at = ? WHERE state = 'ONLINE'",
                at.toEpochMilli()));
    }

    @Override
    public List<DeviceId> onlineDevices(long afterId, int limit) {
        try (Stream<DbRow> rows = db.client().execute().query("SELECT id FROM devices WHERE state = 'ONLINE' "
                + "AND id > ? ORDER BY id LIMIT ?", afterId, limit)) {
            return rows.map(row -> new DeviceId(Rows.longOf(row, "id"))).toList();
        }
    }

    @Override
    public Optional<DeviceCredentials> credentials(DeviceId id) {
        return db.client().execute().get("SELECT id, state, secret_hash, credential_version FROM devices WHERE id = ?",
                id.value()).map(JdbcDeviceStore::credentials);
    }

    @Override
    public Optional<DeviceCredentials> credentials(Hardware hardware) {
        return db.client().execute().get("SELECT id, state, secret_hash, credential_version FROM devices "
                        + "WHERE hardware_serial = ? AND hardware_model = ?", hardware.serial(), hardware.model())
                .map(JdbcDeviceStore::credentials);
    }

    @Override
    public void recordEvents(List<DeviceEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        // Only presence events change a device row: command events must not evict the cache, nor
        // keep a read of a device racing their batch from being cached.
        List<DeviceEvent> presence = events.stream().filter(event -> event.type().isPresence()).toList();
        if (presence.isEmpty()) {
            db.inTransaction(tx -> {
                insertEvents(tx, events);
                return null;
            });
            counts.invalidate();
            return;
        }
        writing(presence.stream().map(DeviceEvent::deviceId).distinct().toList(), () -> db.inTransaction(tx -> {
            for (DeviceEvent event : presence) {
                // Only a newer connect or disconnect counts: in a cluster, the batch of the node a device
                // left can be written after the batch of the node it moved to.
                tx.update("UPDATE devices SET state = ?, last_seen_at = ?, updated_at = ? WHERE id = ? "
                                + "AND state IN ('REGISTERED', 'ONLINE', 'OFFLINE') AND last_seen_at <= ?",
                        event.to().name(), event.at().toEpochMilli(), event.at().toEpochMilli(),
                        event.deviceId().value(), event.at().toEpochMilli());
            }
            insertEvents(tx, events);
            return null;
        }));
    }

    /** Rows per multi-row INSERT of events: one statement per 200 events, well below packet limits. */
    private static final int EVENTS_PER_INSERT = 200;

    private static void insertEvents(DbExecute tx, List<DeviceEvent> events) {
        for (int from = 0; from < events.size(); from += EVENTS_PER_INSERT) {
            insertEventRows(tx, events.subList(from, Math.min(events.size(), from + EVENTS_PER_INSERT)));
        }
    }

    private static void insertEventRows(DbExecute tx, List<DeviceEvent> events) {
        StringBuilder sql = new StringBuilder("INSERT INTO device_events (id, device_id, occurred_at, event_type, "
                + "actor, from_state, to_state, reason, detail_json) VALUES ");
        Object[] params = new Object[events.size() * 9];
        int i = 0;
        for (DeviceEvent event : events) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
            params[i++] = event.id();
            params[i++] = event.deviceId().value();
            params[i++] = event.at().toEpochMilli();
            params[i++] = event.type().wireName();
            params[i++] = event.actor();
            params[i++] = event.from().name();
            params[i++] = event.to().name();
            params[i++] = event.reason();
            params[i++] = EventDetailJson.write(event.detail());
        }
        tx.insert(sql.toString(), params);
    }

    private static DeviceCredentials credentials(DbRow row) {
        return new DeviceCredentials(new DeviceId(Rows.longOf(row, "id")),
                DeviceState.valueOf(Rows.stringOf(row, "state")), Rows.stringOf(row, "secret_hash"),
                (int) Rows.longOf(row, "credential_version"));
    }

    @Override
    public Page<DeviceEvent> events(EventQuery query, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (!query.devices().isEmpty()) {
            where.append(" AND e.device_id IN (").append(Rows.placeholders(query.devices())).append(')');
            query.devices().forEach(device -> params.add(device.value()));
        }
        query.group().ifPresent(group -> {
            where.append(" AND EXISTS (SELECT 1 FROM group_members m WHERE m.device_id = e.device_id "
                    + "AND m.group_id = ?)");
            params.add(group.value());
        });
        if (!query.types().isEmpty()) {
            where.append(" AND e.event_type IN (").append(Rows.placeholders(query.types())).append(')');
            params.addAll(query.types());
        }
        query.since().ifPresent(since -> {
            where.append(" AND e.occurred_at >= ?");
            params.add(since.toEpochMilli());
        });
        query.until().ifPresent(until -> {
            where.append(" AND e.occurred_at < ?");
            params.add(until.toEpochMilli());
        });
        long total = count("SELECT COUNT(*) AS n FROM device_events e" + where, params);
        List<Object> pageParams = new ArrayList<>(params);
        page.after().ifPresent(before -> {
            where.append(" AND e.id < ?");
            pageParams.add(before);
        });
        pageParams.add(page.size() + 1);
        try (Stream<DbRow> rows = db.client().execute().query("SELECT e.id, e.device_id, e.occurred_at, e.event_type, "
                + "e.actor, e.from_state, e.to_state, e.reason, e.detail_json FROM device_events e" + where
                + " ORDER BY e.id DESC LIMIT ?", pageParams.toArray())) {
            return Page.of(rows.map(JdbcDeviceStore::event).toList(), page, DeviceEvent::id, total);
        }
    }

    /** Records an event inside a caller's transaction. */
    static void insertEvent(DbExecute tx, DeviceEvent event) {
        tx.insert("INSERT INTO device_events (id, device_id, occurred_at, event_type, actor, from_state, to_state, "
                        + "reason, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                event.id(), event.deviceId().value(), event.at().toEpochMilli(), event.type().wireName(),
                event.actor(), event.from().name(), event.to().name(), event.reason(),
                EventDetailJson.write(event.detail()));
    }

    private void insertLabels(DbExecute tx, DeviceId id, Map<String, String> labels) {
        labels.forEach((key, value) -> tx.insert(
                "INSERT INTO device_labels (device_id, label_key, label_value) VALUES (?, ?, ?)",
                id.value(), key, value));
    }

    /** Totals of listings come from a short-lived cache; every write through this store clears it. */
    private long count(String sql, List<Object> params) {
        return counts.count(sql, params, () -> db.client().execute().get(sql, params.toArray())
                .map(row -> Rows.longOf(row, "n"))
                .orElse(0L));
    }

    private Device device(DbRow row) {
        return new Device(new DeviceId(Rows.longOf(row, "id")),
                Rows.stringOf(row, "name"),
                Rows.stringOf(row, "device_type"),
                new Hardware(Rows.stringOf(row, "hardware_serial"), Rows.stringOf(row, "hardware_model")),
                Rows.stringOf(row, "software_version"),
                Rows.optionalInstantOf(row, "software_updated_at"),
                read(Rows.stringOf(row, "nics_json"), NICS),
                Rows.stringOf(row, "description"),
                read(Rows.stringOf(row, "labels_json"), LABELS),
                DeviceState.valueOf(Rows.stringOf(row, "state")),
                Rows.instantOf(row, "created_at"),
                Rows.instantOf(row, "updated_at"),
                Rows.optionalInstantOf(row, "last_seen_at"));
    }

    private static DeviceEvent event(DbRow row) {
        String typeName = Rows.stringOf(row, "event_type");
        // Only this store writes the column, with EventType's wire names.
        EventType type = EventType.fromWire(typeName).orElseThrow(() -> new IllegalStateException(
                "device_events row " + Rows.longOf(row, "id") + " has an unknown event_type " + typeName));
        return new DeviceEvent(Rows.longOf(row, "id"),
                new DeviceId(Rows.longOf(row, "device_id")),
                Rows.instantOf(row, "occurred_at"),
                type,
                Rows.stringOf(row, "actor"),
                DeviceState.valueOf(Rows.stringOf(row, "from_state")),
                DeviceState.valueOf(Rows.stringOf(row, "to_state")),
                Rows.stringOf(row, "reason"),
                EventDetailJson.read(type, Rows.stringOf(row, "detail_json")));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
        }
    }
}
