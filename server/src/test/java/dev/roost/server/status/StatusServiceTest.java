package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.roost.protocol.Body;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.Json;
import dev.roost.server.common.Page;
import dev.roost.server.common.PageRequest;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceLink;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.event.EventBus;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Coalesced status persistence on a real database (H2, or MariaDB with {@code roost.test.mariadb}). */
@Tag("db")
class StatusServiceTest {
    /** More than two chunks of 2,000 rows, so that the writers each take a share. */
    private static final int DEVICES = 5_000;
    private static final StatusSettings TWO_WRITERS = new StatusSettings(Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofDays(7), 2);

    private static final Instant EPOCH = Instant.EPOCH;

    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final JdbcStatusStore jdbc = new JdbcStatusStore(db);

    @AfterEach
    void close() {
        db.close();
        database.close();
    }

    @Test
    void oneFlushWritesTheLatestReportOfEveryDevice_onTwoWritersAtOnce_inDisjointRanges() {
        CountDownLatch bothWriting = new CountDownLatch(2);
        List<Boolean> joinedBySecondWrite = new CopyOnWriteArrayList<>();
        List<long[]> ranges = new CopyOnWriteArrayList<>();
        StatusStore recording = new DelegatingStore(jdbc) {
            @Override
            public void write(Collection<Map.Entry<DeviceId, Reported>> latest, Collection<Sample> history) {
                LongSummaryStatistics ids = latest.stream().mapToLong(entry -> entry.getKey().value())
                        .summaryStatistics();
                ranges.add(new long[] {ids.getMin(), ids.getMax()});
                bothWriting.countDown();
                try {
                    // Written one after the other, the first write would wait here in vain.
                    joinedBySecondWrite.add(bothWriting.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.write(latest, history);
            }
        };
        try (StatusService status = service(recording)) {
            reportTwice(status);
            status.flush();

            assertThat(joinedBySecondWrite).as("two batches were written at the same time").containsOnly(true);
            assertThat(ranges).hasSize(3);
            ranges.sort(Comparator.comparingLong(range -> range[0]));
            for (int i = 1; i < ranges.size(); i++) {
                assertThat(ranges.get(i)[0]).as("batch %d starts after the one before ends", i)
                        .isGreaterThan(ranges.get(i - 1)[1]);
            }
            assertThat(status.rowsWritten()).as("one row per device, however often it reported").isEqualTo(DEVICES);
            assertThat(status.pendingRows()).isZero();
            assertEveryDeviceStoredAtVersion2();
        }
    }

    @Test
    void aFailedWriteLosesNothing_theNextFlushWritesWhatFailed() {
        AtomicInteger writes = new AtomicInteger();
        StatusStore failsSecondWrite = new DelegatingStore(jdbc) {
            @Override
            public void write(Collection<Map.Entry<DeviceId, Reported>> latest, Collection<Sample> history) {
                if (writes.incrementAndGet() == 2) {
                    throw new IllegalStateException("database unavailable");
                }
                super.write(latest, history);
            }
        };
        try (StatusService status = service(failsSecondWrite)) {
            reportTwice(status);
            assertThatThrownBy(status::flush).hasMessage("database unavailable");
            assertThat(status.pendingRows()).as("the failed writer's rows wait for the next flush").isPositive();

            status.flush();
            assertThat(status.pendingRows()).isZero();
            assertThat(status.rowsWritten()).isEqualTo(DEVICES);
            assertEveryDeviceStoredAtVersion2();
        }
    }

    @Test
    void aDeviceWithoutStoredStatus_isReadOnce_atLogin_notAgainOnItsFirstReport() {
        AtomicInteger reads = new AtomicInteger();
        StatusStore counting = new DelegatingStore(jdbc) {
            @Override
            public Optional<Reported> latest(DeviceId device) {
                reads.incrementAndGet();
                return super.latest(device);
            }
        };
        try (StatusService status = service(counting)) {
            DeviceId device = new DeviceId(42);
            assertThat(status.reportedVersion(device)).as("what the login reads").isZero();
            assertThat(status.report(device, Messages.Status.snapshot(JsonNodeFactory.instance.objectNode()
                    .put("uptime_s", 1)))).isEqualTo(new Messages.StatusAck(1));
            assertThat(status.reportedVersion(device)).isEqualTo(1);
            assertThat(reads).as("database reads of the latest status").hasValue(1);
        }
    }

    @Test
    void aRowTheDatabaseRefuses_isSetAsideAndCounted_andEveryOtherDeviceIsWritten() {
        RejectedRows rejected = new RejectedRows();
        DeviceId poison = new DeviceId(DEVICES + 1);
        try (StatusService status = service(jdbc, EPOCH, rejected)) {
            reportTwice(status);
            // The wire refuses such a boot id (Messages.Status); this goes around it to reach the column.
            status.report(poison, Messages.Status.snapshot(JsonNodeFactory.instance.objectNode()
                    .put("boot_id", "b".repeat(Messages.Status.MAX_BOOT_ID + 1))));
            status.flush();

            assertThat(rejected.count("device_status")).isEqualTo(1);
            assertThat(status.pendingRows()).as("a refused row is not retried").isZero();
            assertEveryDeviceStoredAtVersion2();
            assertThat(jdbc.latest(poison)).isEmpty();
            status.flush();
            assertThat(rejected.count("device_status")).isEqualTo(1);
        }
    }

    @Test
    void versionsAfterACrash_areAboveEveryVersionAckedBeforeIt() {
        DeviceId device = new DeviceId(5);
        // The first service "crashes": it is not closed (which would flush) until the restart is checked.
        StatusService beforeCrash = service(jdbc, EPOCH.plusSeconds(100), new RejectedRows());
        try {
            Body first = beforeCrash.report(device, Messages.Status.snapshot(JsonNodeFactory.instance.objectNode()));
            long stored = ((Messages.StatusAck) first).version();
            beforeCrash.flush();
            Body second = beforeCrash.report(device, Messages.Status.diff(stored, JsonNodeFactory.instance.objectNode()
                    .put("uptime_s", 2)));
            long lastAcked = ((Messages.StatusAck) second).version();
            assertThat(lastAcked).isGreaterThan(stored);
            assertThat(jdbc.latest(device).orElseThrow().version()).as("the crash loses the unflushed report")
                    .isEqualTo(stored);

            try (StatusService afterRestart = service(jdbc, EPOCH.plusSeconds(110), new RejectedRows())) {
                assertThat(afterRestart.report(device, Messages.Status.diff(lastAcked,
                        JsonNodeFactory.instance.objectNode()))).isInstanceOf(Messages.ResyncRequired.class);
                Body ack = afterRestart.report(device, Messages.Status.snapshot(JsonNodeFactory.instance.objectNode()));
                assertThat(((Messages.StatusAck) ack).version()).isGreaterThan(lastAcked);
            }
        } finally {
            beforeCrash.close();
        }
    }

    @Test
    void nextVersion_followsTheClock_andNeverGoesBack() {
        assertThat(StatusService.nextVersion(0, Instant.ofEpochMilli(1_000))).isEqualTo(1_000);
        assertThat(StatusService.nextVersion(1_000, Instant.ofEpochMilli(1_000))).isEqualTo(1_001);
        assertThat(StatusService.nextVersion(5_000, Instant.ofEpochMilli(1_000))).as("clock behind").isEqualTo(5_001);
    }

    private StatusService service(StatusStore store) {
        return service(store, EPOCH, new RejectedRows());
    }

    /** A clock that stands still at {@code now}: from the epoch, versions count 1, 2, ... */
    private StatusService service(StatusStore store, Instant now, RejectedRows rejected) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new StatusService(store, new JdbcDeviceStore(db, Json.newMapper(), new CountCache(Duration.ZERO, clock)),
                new NoSessions(), new EventBus(), Snowflake.create(1), clock, TWO_WRITERS, Json.newMapper(), rejected);
    }

    private static void reportTwice(StatusService status) {
        for (long id = 1; id <= DEVICES; id++) {
            DeviceId device = new DeviceId(id);
            status.report(device, Messages.Status.snapshot(JsonNodeFactory.instance.objectNode().put("uptime_s", 1)));
            Body ack = status.report(device, new Messages.Status(Messages.Status.DIFF, 1,
                    JsonNodeFactory.instance.objectNode().put("uptime_s", id)));
            assertThat(ack).isEqualTo(new Messages.StatusAck(2));
        }
    }

    private void assertEveryDeviceStoredAtVersion2() {
        LongStream.rangeClosed(1, DEVICES).forEach(id -> {
            Reported stored = jdbc.latest(new DeviceId(id)).orElseThrow(() -> new AssertionError("device " + id));
            assertThat(stored.version()).as("device %d", id).isEqualTo(2);
            assertThat(new String(stored.json(), StandardCharsets.UTF_8)).as("device %d", id)
                    .isEqualTo("{\"uptime_s\":" + id + "}");
        });
    }

    private static final class NoSessions implements DeviceLink {
        @Override
        public boolean isOnline(DeviceId device) {
            return false;
        }

        @Override
        public boolean send(DeviceId device, Body body) {
            return false;
        }
    }

    private static class DelegatingStore implements StatusStore {
        private final StatusStore delegate;

        DelegatingStore(StatusStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Reported> latest(DeviceId device) {
            return delegate.latest(device);
        }

        @Override
        public void write(Collection<Map.Entry<DeviceId, Reported>> latest, Collection<Sample> history) {
            delegate.write(latest, history);
        }

        @Override
        public Page<Sample> history(DeviceId device, Optional<Instant> since, Optional<Instant> until,
                                    PageRequest page) {
            return delegate.history(device, since, until, page);
        }

        @Override
        public long pruneHistory(Instant before) {
            return delegate.pruneHistory(before);
        }
    }
}
