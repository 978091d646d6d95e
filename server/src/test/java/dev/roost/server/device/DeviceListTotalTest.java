package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail;
import dev.roost.server.event.EventType;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code total_count} of device listings with the production count cache (2 s): presence written
 * by the event batch shows in the next listing, and a total nothing here changed is counted once.
 */
@Tag("db")
class DeviceListTotalTest {
    private static final DeviceFilter ONLINE = new DeviceFilter(Set.of(DeviceState.ONLINE), Optional.empty(),
            Map.of(), Optional.empty(), Optional.empty());
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcDeviceStore store = new JdbcDeviceStore(db, Json.newMapper(),
            new CountCache(Duration.ofSeconds(2), Clock.systemUTC()));
    /** Another server process on the same database, with its own caches (its writes do not evict ours). */
    private final JdbcDeviceStore otherNode = new JdbcDeviceStore(db, Json.newMapper(),
            new CountCache(Duration.ofSeconds(2), Clock.systemUTC()));
    private long nextEventId = 1;

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    @Test
    void presenceFromTheEventBatch_showsInTheNextListing_whileUnchangedTotalsAreReused() {
        List<DeviceId> devices = register(7);
        store.recordEvents(connected(devices.subList(0, 2), 1));
        assertThat(firstPage().totalCount()).isEqualTo(2);

        store.recordEvents(connected(devices.subList(2, 5), 2));
        Page<Device> first = firstPage();
        assertThat(first.totalCount()).as("the presence batch evicted the cached total").isEqualTo(5);

        // A write this process did not make leaves the cached count in place: that is the reuse.
        otherNode.recordEvents(connected(devices.subList(5, 6), 3));
        assertThat(firstPage().totalCount()).as("the first page again, from the cache").isEqualTo(5);
        assertThat(store.list(ONLINE, new PageRequest(2, Optional.of(first.items().getLast().id().value())))
                .totalCount()).as("the next page, from the cache").isEqualTo(5);

        store.recordEvents(connected(devices.subList(6, 7), 4));
        assertThat(firstPage().totalCount()).as("counted again after this process's batch").isEqualTo(7);
    }

    private Page<Device> firstPage() {
        return store.list(ONLINE, PageRequest.first(2));
    }

    private List<DeviceId> register(int count) {
        List<DeviceId> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            DeviceId id = new DeviceId(1000 + i);
            Device device = new Device(id, "total-" + i, "", new Hardware("TOTAL-" + i, "M"), "", Optional.empty(),
                    List.of(), "", Map.of(), DeviceState.REGISTERED, T0, T0, Optional.empty());
            store.insert(device, "hash", new DeviceEvent(nextEventId++, id, T0, EventType.LIFECYCLE, "test",
                    DeviceState.REGISTERED, DeviceState.REGISTERED, "registered", new EventDetail.LifecycleDetail()));
            ids.add(id);
        }
        return ids;
    }

    private List<DeviceEvent> connected(List<DeviceId> devices, int second) {
        return devices.stream().map(id -> new DeviceEvent(nextEventId++, id, T0.plusSeconds(second),
                EventType.CONNECTED, "device", DeviceState.OFFLINE, DeviceState.ONLINE, "", EventDetail.ConnectionDetail.ofEpoch(1))).toList();
    }
}
