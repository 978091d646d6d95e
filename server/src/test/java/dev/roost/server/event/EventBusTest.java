package dev.roost.server.event;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of the other nodes' events a node needs decoded, and what the bus delivers. */
class EventBusTest {
    private static final DeviceId DEVICE = new DeviceId(7);

    private final EventBus bus = new EventBus();

    @Test
    void withNoListenerAndNoWatch_noRemoteEventIsWanted() {
        for (EventType type : EventType.values()) {
            assertThat(bus.wantsRemote(new EventHeader(type, DEVICE, true))).as(type.wireName()).isFalse();
        }
    }

    @Test
    void aRemoteEvent_isWantedWhenTheInterestOfAListenerOfEitherKindHoldsForIt() {
        bus.listen(EventInterest.types(EventType.LIFECYCLE), event -> { });
        bus.listenRemote(header -> header.type() == EventType.COMMAND && header.finalCommand(), event -> { });

        assertThat(bus.wantsRemote(header(EventType.LIFECYCLE))).isTrue();
        assertThat(bus.wantsRemote(new EventHeader(EventType.COMMAND, DEVICE, true))).isTrue();
        assertThat(bus.wantsRemote(new EventHeader(EventType.COMMAND, DEVICE, false))).isFalse();
        assertThat(bus.wantsRemote(header(EventType.STATUS))).isFalse();
        assertThat(bus.wantsRemote(header(EventType.CONNECTED))).isFalse();
    }

    @Test
    void anInterestReadingTheListenersOwnState_followsThatState() {
        Set<DeviceId> held = ConcurrentHashMap.newKeySet();
        bus.listenRemote(header -> header.type() == EventType.STATUS && held.contains(header.deviceId()), event -> { });

        assertThat(bus.wantsRemote(header(EventType.STATUS))).isFalse();
        held.add(DEVICE);
        assertThat(bus.wantsRemote(header(EventType.STATUS))).isTrue();
        assertThat(bus.wantsRemote(new EventHeader(EventType.STATUS, new DeviceId(8), false))).isFalse();
    }

    @Test
    void anOpenWatchSubscription_wantsEveryRemoteEvent_whateverItsFilter_untilItCloses() {
        Subscription watch = bus.subscribe(event -> false, 10);
        for (EventType type : EventType.values()) {
            assertThat(bus.wantsRemote(header(type))).as(type.wireName()).isTrue();
        }
        watch.close();
        assertThat(bus.wantsRemote(header(EventType.STATUS))).isFalse();
    }

    @Test
    void allTypesBut_holdsForEveryOtherType() {
        EventInterest interest = EventInterest.allTypesBut(EventType.STATUS, EventType.COMMAND);
        assertThat(List.of(EventType.values())).filteredOn(type -> interest.test(header(type)))
                .containsExactly(EventType.LIFECYCLE, EventType.CONNECTED, EventType.DISCONNECTED);
    }

    @Test
    void anInterestThatFails_countsAsWanted() {
        bus.listenRemote(header -> {
            throw new IllegalStateException("broken interest");
        }, event -> { });
        assertThat(bus.wantsRemote(header(EventType.STATUS))).isTrue();
    }

    @Test
    void aDeliveredEvent_reachesEveryListener_whateverItsInterest() {
        List<DeviceEvent> lifecycleListener = new CopyOnWriteArrayList<>();
        List<DeviceEvent> remoteListener = new CopyOnWriteArrayList<>();
        bus.listen(EventInterest.types(EventType.LIFECYCLE), lifecycleListener::add);
        bus.listenRemote(EventInterest.types(EventType.LIFECYCLE), remoteListener::add);
        DeviceEvent local = status(1);
        DeviceEvent remote = status(2);

        bus.publish(local);
        bus.publishRemote(remote);

        assertThat(lifecycleListener).as("the interest decides decoding, not delivery")
                .containsExactly(local, remote);
        assertThat(remoteListener).containsExactly(remote);
    }

    private static EventHeader header(EventType type) {
        return new EventHeader(type, DEVICE, false);
    }

    private static DeviceEvent status(long id) {
        return new DeviceEvent(id, DEVICE, Instant.ofEpochMilli(1000), EventType.STATUS, "device",
                DeviceState.ONLINE, DeviceState.ONLINE, "snapshot", new EventDetail.StatusDetail(id, "boot"));
    }
}
