package dev.roost.server.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roost.protocol.Body;
import dev.roost.protocol.Messages;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.JdbcDeviceStore;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventDetail.StatusDetail;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventInterest;
import dev.roost.server.event.EventType;
import dev.roost.server.storage.CountCache;
import dev.roost.server.storage.Database;
import dev.roost.server.storage.RejectedRows;
import dev.roost.server.support.ManualClock;
import dev.roost.server.support.RecordingLink;
import dev.roost.server.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status rules without sockets or a status table: snapshots and diffs, resync on a version gap,
 * clock-based versions, the published status event and coalesced writes, on an
 * {@link InMemoryStatusStore} and a manual clock. Flushes run only when the test calls them.
 */
class StatusRulesTest {
    private static final DeviceId DEVICE = new DeviceId(7);
    private static final StatusSettings BY_HAND = new StatusSettings(Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofDays(7), 1);

    private final ManualClock clock = new ManualClock();
    private final TestDatabase database = TestDatabase.create();
    private final Database db = Database.open(database.settings());
    private final InMemoryStatusStore store = new InMemoryStatusStore();
    private final EventBus bus = new EventBus();
    private final List<DeviceEvent> published = new CopyOnWriteArrayList<>();
    private final StatusService status;

    StatusRulesTest() {
        bus.listen(EventInterest.ALL, published::add);
        // The device registry is only read by the northbound reads, which these tests do not use.
        status = new StatusService(store, new JdbcDeviceStore(db, Json.newMapper(), new CountCache(Duration.ZERO, clock)),
                new RecordingLink(), bus, new Snowflake(1, clock), clock, BY_HAND, Json.newMapper(),
                new RejectedRows());
    }

    @AfterEach
    void close() {
        status.close();
        db.close();
        database.close();
    }

    @Test
    void aDiffOnTheCurrentVersion_isMergedIntoTheSnapshot_andAckedWithTheNextVersion() {
        long first = acked(status.report(DEVICE, snapshot("{\"temp\":20,\"fan\":\"on\",\"boot_id\":\"b1\"}")));
        clock.advance(Duration.ofMillis(5));
        long second = acked(status.report(DEVICE, diff(first, "{\"temp\":21,\"fan\":null}")));

        assertThat(second).isGreaterThan(first);
        assertThat(status.reportedVersion(DEVICE)).isEqualTo(second);
        assertThat(status.bootId(DEVICE)).contains("b1");
        assertThat(published).extracting(DeviceEvent::detail)
                .containsExactly(new StatusDetail(first, "b1"), new StatusDetail(second, "b1"));
        status.flush();
        assertThat(new String(store.latest(DEVICE).orElseThrow().json(), StandardCharsets.UTF_8))
                .as("a merge patch: null removes").isEqualTo("{\"temp\":21,\"boot_id\":\"b1\"}");
    }

    @Test
    void ofTheOtherNodesEvents_statusNeedsLifecycles_andTheReportsAndConnectsOfDevicesItHoldsAReportOf() {
        EventBus quiet = new EventBus();
        try (StatusService alone = new StatusService(store, new JdbcDeviceStore(db, Json.newMapper(),
                new CountCache(Duration.ZERO, clock)), new RecordingLink(), quiet, new Snowflake(1, clock), clock,
                BY_HAND, Json.newMapper(), new RejectedRows())) {
            assertThat(quiet.wantsRemote(header(EventType.LIFECYCLE, DEVICE))).isTrue();
            assertThat(quiet.wantsRemote(header(EventType.STATUS, DEVICE))).as("nothing held").isFalse();
            assertThat(quiet.wantsRemote(header(EventType.CONNECTED, DEVICE))).isFalse();

            acked(alone.report(DEVICE, snapshot("{\"temp\":20}")));
            assertThat(quiet.wantsRemote(header(EventType.STATUS, DEVICE))).isTrue();
            assertThat(quiet.wantsRemote(header(EventType.CONNECTED, DEVICE))).isTrue();
            assertThat(quiet.wantsRemote(header(EventType.DISCONNECTED, DEVICE))).isFalse();
            assertThat(quiet.wantsRemote(header(EventType.COMMAND, DEVICE))).isFalse();
            assertThat(quiet.wantsRemote(header(EventType.STATUS, new DeviceId(8)))).isFalse();

            quiet.publishRemote(new DeviceEvent(1, DEVICE, clock.instant(), EventType.STATUS, "device",
                    DeviceState.ONLINE, DeviceState.ONLINE, "snapshot", new StatusDetail(1, "")));
            assertThat(quiet.wantsRemote(header(EventType.STATUS, DEVICE))).as("reported elsewhere: dropped")
                    .isFalse();
        }
    }

    private static EventHeader header(EventType type, DeviceId device) {
        return new EventHeader(type, device, false);
    }

    @Test
    void aDiffOnAnotherVersion_orBeforeAnySnapshot_asksForAResync_andChangesNothing() {
        assertThat(status.report(DEVICE, diff(0, "{\"temp\":1}")))
                .isEqualTo(new Messages.ResyncRequired(0, "version gap"));
        long version = acked(status.report(DEVICE, snapshot("{\"temp\":20}")));

        assertThat(status.report(DEVICE, diff(version - 1, "{\"temp\":30}")))
                .isEqualTo(new Messages.ResyncRequired(version, "version gap"));
        assertThat(status.reportedVersion(DEVICE)).isEqualTo(version);
        assertThat(published).hasSize(1);
    }

    @Test
    void versionsFollowTheClock_andStillGrowWhenItStandsStill() {
        long first = acked(status.report(DEVICE, snapshot("{\"a\":1}")));
        long second = acked(status.report(DEVICE, snapshot("{\"a\":2}")));
        clock.advance(Duration.ofSeconds(10));
        long third = acked(status.report(DEVICE, snapshot("{\"a\":3}")));

        assertThat(first).isEqualTo(clock.millis() - 10_000);
        assertThat(second).isEqualTo(first + 1);
        assertThat(third).isEqualTo(clock.millis());
    }

    @Test
    void manyReportsBetweenTwoFlushes_areOneRowOfTheLatest() {
        for (int i = 1; i <= 50; i++) {
            status.report(DEVICE, snapshot("{\"n\":" + i + "}"));
            status.report(new DeviceId(8), snapshot("{\"n\":" + i + "}"));
        }
        status.flush();
        status.flush();

        assertThat(store.writes()).as("one write of one row per device; nothing left for the second flush")
                .containsExactly(2);
        assertThat(new String(store.latest(DEVICE).orElseThrow().json(), StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":50}");
        assertThat(store.latest(DEVICE).orElseThrow().version()).isEqualTo(status.reportedVersion(DEVICE));
    }

    private static long acked(Body answer) {
        assertThat(answer).isInstanceOf(Messages.StatusAck.class);
        return ((Messages.StatusAck) answer).version();
    }

    private static Messages.Status snapshot(String state) {
        return new Messages.Status(Messages.Status.SNAPSHOT, 0, json(state));
    }

    private static Messages.Status diff(long base, String state) {
        return new Messages.Status(Messages.Status.DIFF, base, json(state));
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.newMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
