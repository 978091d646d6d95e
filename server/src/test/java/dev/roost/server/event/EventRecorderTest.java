package dev.roost.server.event;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.common.PageRequest;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventQuery;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The device log's batched writes on a real database (H2, or MariaDB with {@code roost.test.mariadb}). */
@Tag("db")
class EventRecorderTest {
    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcDeviceStore store = new JdbcDeviceStore(db, Json.newMapper(),
            new CountCache(Duration.ZERO, Clock.systemUTC()));
    private final RejectedRows rejected = new RejectedRows();
    /** Flushed by the tests only: the scheduled flush is an hour away. */
    private final EventRecorder recorder = new EventRecorder(store, new EventBus(), rejected, Duration.ofHours(1));

    @AfterEach
    void close() {
        recorder.close();
        db.close();
        database.close();
    }

    @Test
    void anEventTheDatabaseRefuses_isSetAside_andTheRestOfItsBatchIsWritten() {
        // A typed event fits its columns: an id the log already holds is what the database refuses.
        recorder.record(event(37, "first"));
        recorder.flush();
        for (int i = 1; i <= 100; i++) {
            recorder.record(event(i, "fine"));
        }
        recorder.flush();

        assertThat(rejected.count("device_events")).isEqualTo(1);
        assertThat(recorder.pending()).isZero();
        assertThat(stored()).hasSize(100);
        assertThat(store.events(EventQuery.ofDevice(new DeviceId(37)), PageRequest.first(10)).items())
                .singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("first"));
        recorder.record(event(101, "after"));
        recorder.flush();
        assertThat(stored()).hasSize(101).contains(101L);
        assertThat(rejected.count("device_events")).as("the refused event is not tried again").isEqualTo(1);
    }

    @Test
    void aReasonLongerThanItsColumn_isCut_notRefused() {
        recorder.record(event(1, "r".repeat(5000)));
        recorder.flush();

        assertThat(rejected.total()).isZero();
        List<DeviceEvent> events = store.events(EventQuery.ofDevice(new DeviceId(1)), PageRequest.first(10))
                .items();
        assertThat(events).singleElement().satisfies(e -> assertThat(e.reason()).hasSize(DeviceEvent.MAX_REASON));
    }

    private static DeviceEvent event(long id, String reason) {
        return new DeviceEvent(id, new DeviceId(id), Instant.ofEpochMilli(id), EventType.COMMAND, "device",
                DeviceState.ONLINE, DeviceState.ONLINE, reason, new EventDetail.CommandDetail(id, "exec", "QUEUED", 0));
    }

    private List<Long> stored() {
        return store.events(new EventQuery(Set.of(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty()),
                PageRequest.first(1000)).items().stream().map(DeviceEvent::id).toList();
    }
}
