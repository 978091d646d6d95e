package dev.roost.server.event;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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

    @Test
    void aRound_writesWhatWasPendingWhenItStarted_inBatchesOfAtMost1000_andLateEventsWaitForTheNextRound() {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        AtomicReference<EventRecorder> watched = new AtomicReference<>();
        AtomicBoolean arrivedLate = new AtomicBoolean();
        EventStore watching = new EventStore() {
            @Override
            public void recordEvents(List<DeviceEvent> events) {
                batches.add(events.size());
                store.recordEvents(events);
                if (arrivedLate.compareAndSet(false, true)) {
                    for (long id = 2501; id <= 2510; id++) {
                        watched.get().record(event(id, "late"));
                    }
                }
            }

            @Override
            public Page<DeviceEvent> events(EventQuery query, PageRequest page) {
                return store.events(query, page);
            }
        };
        try (EventRecorder rounds = new EventRecorder(watching, new EventBus(), rejected, Duration.ofHours(1))) {
            watched.set(rounds);
            for (long id = 1; id <= 2500; id++) {
                rounds.record(event(id, "due"));
            }
            rounds.flush();
            assertThat(batches).containsExactly(1000, 1000, 500);
            assertThat(rounds.pending()).isEqualTo(10);
            assertThat(storedCount()).isEqualTo(2500);

            rounds.flush();
            assertThat(batches).containsExactly(1000, 1000, 500, 10);
            assertThat(rounds.pending()).isZero();
            assertThat(stored()).hasSize(1000).startsWith(2510L, 2509L);
            assertThat(storedCount()).isEqualTo(2510);
        }
    }

    private static DeviceEvent event(long id, String reason) {
        return new DeviceEvent(id, new DeviceId(id), Instant.ofEpochMilli(id), EventType.COMMAND, "device",
                DeviceState.ONLINE, DeviceState.ONLINE, reason, new EventDetail.CommandDetail(id, "exec", "QUEUED", 0));
    }

    private long storedCount() {
        return store.events(new EventQuery(Set.of(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty()),
                PageRequest.first(1)).totalCount();
    }

    private List<Long> stored() {
        return store.events(new EventQuery(Set.of(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty()),
                PageRequest.first(1000)).items().stream().map(DeviceEvent::id).toList();
    }
}
