package dev.roost.server.device;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail;
import dev.roost.server.event.EventType;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.support.Await;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device store's cache and the event batches: command events leave a cached device in place
 * (a send reads the device from memory), presence events, which change the row, evict it.
 */
@Tag("db")
class DeviceCacheTest {
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final DeviceId DEVICE = new DeviceId(2001);

    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcDeviceStore store = new JdbcDeviceStore(db, Json.newMapper(),
            new CountCache(Duration.ZERO, Clock.systemUTC()));
    /** Another process on the same database: its writes do not evict this store's cache. */
    private final JdbcDeviceStore otherProcess = new JdbcDeviceStore(db, Json.newMapper(),
            new CountCache(Duration.ZERO, Clock.systemUTC()));

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    @Test
    void commandEvents_leaveTheCachedDeviceInPlace_presenceEventsEvictIt() {
        Device device = new Device(DEVICE, "cached", "", new Hardware("CACHED-1", "M"), "", Optional.empty(),
                List.of(), "", Map.of(), DeviceState.REGISTERED, T0, T0, Optional.empty());
        store.insert(device, "hash", event(1, EventType.LIFECYCLE, DeviceState.REGISTERED,
                new EventDetail.LifecycleDetail()));
        assertThat(store.find(DEVICE).orElseThrow().state()).isEqualTo(DeviceState.REGISTERED);
        // The row changes behind the cache's back: a re-read would show ONLINE.
        otherProcess.recordEvents(List.of(event(2, EventType.CONNECTED, DeviceState.ONLINE,
                EventDetail.ConnectionDetail.ofEpoch(1))));

        store.recordEvents(List.of(event(3, EventType.COMMAND, DeviceState.ONLINE,
                new EventDetail.CommandDetail(77, "exec", "SENT", 0))));
        assertThat(store.find(DEVICE).orElseThrow().state()).as("still the cached row").isEqualTo(DeviceState.REGISTERED);

        store.recordEvents(List.of(event(4, EventType.CONNECTED, DeviceState.ONLINE,
                EventDetail.ConnectionDetail.ofEpoch(2))));
        assertThat(store.find(DEVICE).orElseThrow().state()).isEqualTo(DeviceState.ONLINE);
    }

    @Test
    void everyWriteIsAnnouncedWithItsDevices_andForgetAllMakesTheNextReadGoToTheDatabase() {
        List<List<DeviceId>> announced = new ArrayList<>();
        JdbcDeviceStore node = new JdbcDeviceStore(db, Json.newMapper(), new CountCache(Duration.ZERO, Clock.systemUTC()),
                Duration.ZERO, devices -> announced.add(List.copyOf(devices)));
        Device device = new Device(DEVICE, "cached", "", new Hardware("CACHED-2", "M"), "", Optional.empty(),
                List.of(), "", Map.of(), DeviceState.REGISTERED, T0, T0, Optional.empty());
        node.insert(device, "hash", event(1, EventType.LIFECYCLE, DeviceState.REGISTERED,
                new EventDetail.LifecycleDetail()));
        node.updateSecretHash(DEVICE, "other-hash", T0.plusSeconds(1));
        node.recordEvents(List.of(event(2, EventType.COMMAND, DeviceState.REGISTERED,
                new EventDetail.CommandDetail(77, "exec", "SENT", 0))));
        assertThat(announced).as("the insert and the secret; a command event writes no device row")
                .containsExactly(List.of(DEVICE), List.of(DEVICE));

        assertThat(node.find(DEVICE).orElseThrow().name()).isEqualTo("cached");
        otherProcess.update(new Device(DEVICE, "renamed elsewhere", "", new Hardware("CACHED-2", "M"), "",
                Optional.empty(), List.of(), "", Map.of(), DeviceState.REGISTERED, T0, T0.plusSeconds(2),
                Optional.empty()));
        assertThat(node.find(DEVICE).orElseThrow().name()).as("cached").isEqualTo("cached");

        node.forgetAll();
        assertThat(node.find(DEVICE).orElseThrow().name()).isEqualTo("renamed elsewhere");
    }

    @Test
    void devicesChangedElsewhere_andNeverReadHere_areNotRememberedPastTheirSettleTime() {
        for (long id = 1; id <= 100; id++) {
            store.forget(new DeviceId(id));
        }
        assertThat(store.settlingCount()).isEqualTo(100);
        // Each later notice may sweep the lapsed ones (at most once per settle time, 1 s).
        Await.until("the lapsed entries swept", () -> {
            store.forget(DEVICE);
            return store.settlingCount() == 1;
        });
    }

    private static DeviceEvent event(long id, EventType type, DeviceState to, EventDetail detail) {
        return new DeviceEvent(id, DEVICE, T0.plusSeconds(id), type, "test", DeviceState.REGISTERED, to, "", detail);
    }
}
