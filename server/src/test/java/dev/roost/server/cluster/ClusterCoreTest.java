package dev.roost.server.cluster;

import dev.roost.protocol.Body;
import dev.roost.protocol.Messages;
import dev.roost.protocol.PduCodec;
import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Json;
import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail;
import dev.roost.server.event.EventBus;
import dev.roost.server.event.EventHeader;
import dev.roost.server.event.EventInterest;
import dev.roost.server.event.EventType;
import dev.roost.server.event.Subscription;
import dev.roost.server.support.Await;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Leases, presence and node messages on the real NATS server. */
@Tag("cluster")
class ClusterCoreTest {
    private final Deque<AutoCloseable> closing = new ArrayDeque<>();

    @BeforeEach
    void nats() {
        Nats.assumeRunning();
    }

    @AfterEach
    void close() throws Exception {
        while (!closing.isEmpty()) {
            closing.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.push(resource);
        return resource;
    }

    @Test
    void nodes_leaseDistinctWorkerIds_andSeeEachOther_untilOneStops() {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease a = lease(settings);
        NodeLease b = lease(Nats.sameCluster(settings, "b"));

        assertThat(a.worker()).isNotEqualTo(b.worker());
        Await.until("a sees b", () -> a.liveNodes().stream().map(NodeInfo::name).toList().equals(List.of("a", "b")));
        b.close();
        Await.until("a sees b gone", () -> !a.isLive(b.worker()));
        NodeLease c = lease(Nats.sameCluster(settings, "c"));
        assertThat(c.worker()).as("a released id is taken again").isEqualTo(b.worker());
    }

    @Test
    void aNodeThatDies_isNoLongerLive_afterItsLeaseTtl() {
        ClusterSettings settings = Nats.cluster("survivor", Duration.ofSeconds(1));
        NodeLease survivor = lease(settings);
        NatsCluster dyingConnection = NatsCluster.connect(Nats.sameCluster(settings, "dying"));
        NodeLease dying = NodeLease.acquire(dyingConnection, Clock.systemUTC(), () -> { });
        Await.until("the survivor sees it", () -> survivor.isLive(dying.worker()));

        dyingConnection.close();  // no refresh and no release: as after kill -9

        Await.until("its lease lapses", Duration.ofSeconds(10), () -> !survivor.isLive(dying.worker()));
        NodeLease replacement = lease(Nats.sameCluster(settings, "replacement"));
        assertThat(replacement.worker()).as("the dead node's id is free once its entry expired in NATS")
                .isEqualTo(dying.worker());
    }

    @Test
    void presence_isClaimedAndReleasedAcrossNodes_andALateReleaseKeepsTheNewerSession() {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease leaseA = lease(settings);
        NodeLease leaseB = lease(Nats.sameCluster(settings, "b"));
        PresenceDirectory a = closeLater(new PresenceDirectory(natsOf(leaseA), leaseA, Map::of));
        PresenceDirectory b = closeLater(new PresenceDirectory(natsOf(leaseB), leaseB, Map::of));
        DeviceId device = new DeviceId(7);

        assertThat(a.claim(device, 10)).isEmpty();
        Await.until("b sees the device on a", () -> b.lookup(device).equals(Optional.of(new Presence(leaseA.worker(), 10))));
        assertThat(b.claim(device, 20)).contains(new Presence(leaseA.worker(), 10));
        assertThat(a.release(device, 10)).as("a's late close: the device lives on b now").isFalse();
        Await.until("a sees the device on b", () -> a.lookup(device).equals(Optional.of(new Presence(leaseB.worker(), 20))));
        assertThat(b.release(device, 20)).isTrue();
        Await.until("offline everywhere", () -> a.lookup(device).isEmpty() && b.lookup(device).isEmpty());
    }

    @Test
    void downlinksReachTheNodeHoldingTheSession_andEventsReachEveryOtherNode() {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease leaseA = lease(settings);
        NodeLease leaseB = lease(Nats.sameCluster(settings, "b"));
        Recorder atA = new Recorder(true);
        Recorder atB = new Recorder(false);
        NodeMessaging a = closeLater(new NodeMessaging(natsOf(leaseA), leaseA.worker(), new PduCodec(), Json.newMapper(),
                event -> false, atA));
        NodeMessaging b = closeLater(new NodeMessaging(natsOf(leaseB), leaseB.worker(), new PduCodec(), Json.newMapper(),
                event -> false, atB));

        assertThat(b.sendTo(leaseA.worker(), new DeviceId(5), new Messages.CommandCancel("42"))).isTrue();
        assertThat(atA.delivered).containsExactly(new Messages.CommandCancel("42"));
        assertThat(a.sendTo(leaseB.worker(), new DeviceId(5), new Messages.Ping())).as("b has no such session").isFalse();

        DeviceEvent event = new DeviceEvent(99, new DeviceId(5), Instant.ofEpochMilli(1234), EventType.COMMAND,
                "device", DeviceState.ONLINE, DeviceState.ONLINE, "done",
                new EventDetail.CommandDetail(42, "reboot", "SUCCEEDED", 7));
        a.publish(event);
        b.replaced(leaseA.worker(), new DeviceId(5), 77);
        Await.until("b got a's event", () -> atB.events.contains(event));
        Await.until("a was told to close session 77", () -> atA.replaced.contains(77L));
        assertThat(atA.events).as("a node does not hear its own events").isEmpty();

        a.devicesChanged(List.of(new DeviceId(5), new DeviceId(6)));
        Await.until("b was told a wrote devices 5 and 6", () -> atB.changed.equals(List.of(new DeviceId(5),
                new DeviceId(6))));
        b.devicesChanged(List.of(new DeviceId(7)));
        Await.until("a was told b wrote device 7", () -> atA.changed.contains(new DeviceId(7)));
        assertThat(atA.changed).as("a node does not hear its own notices").containsExactly(new DeviceId(7));
    }

    @Test
    void eventsNobodyOnANodeNeeds_areSkippedUndecoded_whileItsListenersAndWatchStreamsGetWhatTheyNeed()
            throws Exception {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease leaseA = lease(settings);
        NodeLease leaseB = lease(Nats.sameCluster(settings, "b"));
        NodeMessaging a = closeLater(new NodeMessaging(natsOf(leaseA), leaseA.worker(), new PduCodec(),
                Json.newMapper(), event -> event.detail() instanceof EventDetail.CommandDetail command
                        && command.state().equals("SUCCEEDED"), new Recorder(true)));
        EventBus busB = new EventBus();
        BlockingQueue<DeviceEvent> heard = new LinkedBlockingQueue<>();
        // As a device cache and a waiting caller listen together: no status, only finished commands.
        EventInterest deviceCache = EventInterest.allTypesBut(EventType.STATUS, EventType.COMMAND);
        busB.listenRemote(header -> deviceCache.test(header)
                || header.type() == EventType.COMMAND && header.finalCommand(), heard::add);
        NodeMessaging b = closeLater(new NodeMessaging(natsOf(leaseB), leaseB.worker(), new PduCodec(),
                Json.newMapper(), event -> false, new BusInbound(busB)));
        DeviceId device = new DeviceId(5);

        a.publish(event(1, device, EventType.STATUS, new EventDetail.StatusDetail(1, "boot")));
        a.publish(event(2, device, EventType.COMMAND, new EventDetail.CommandDetail(42, "exec", "SENT", 0)));
        DeviceEvent finished = event(3, device, EventType.COMMAND,
                new EventDetail.CommandDetail(42, "exec", "SUCCEEDED", 0));
        a.publish(finished);
        DeviceEvent disabled = event(4, device, EventType.LIFECYCLE, new EventDetail.LifecycleDetail());
        a.publish(disabled);
        // One publisher's events arrive in order: when the last is heard, the two before the first are past.
        assertThat(next(heard)).isEqualTo(finished);
        assertThat(next(heard)).isEqualTo(disabled);
        assertThat(b.eventsSkipped()).as("the status and the unfinished command").isEqualTo(2);

        DeviceEvent watched = event(5, device, EventType.STATUS, new EventDetail.StatusDetail(2, "boot"));
        try (Subscription watch = busB.subscribe(event -> event.type() == EventType.STATUS, 10)) {
            a.publish(watched);
            assertThat(watch.next(Duration.ofSeconds(10))).contains(watched);
            assertThat(b.eventsSkipped()).as("a watch stream sees every event").isEqualTo(2);
        }
        assertThat(next(heard)).as("a decoded event reaches every listener").isEqualTo(watched);

        // A node of the previous version sends no event headers: its events are decoded as before.
        DeviceEvent unmarked = event(6, device, EventType.STATUS, new EventDetail.StatusDetail(3, "boot"));
        natsOf(leaseA).events().publish(natsOf(leaseA).subject("events"),
                new Headers().put("Roost-Origin", Integer.toString(leaseA.worker())), a.encode(unmarked));
        assertThat(next(heard)).isEqualTo(unmarked);
        assertThat(b.eventsSkipped()).isEqualTo(2);
    }

    private static DeviceEvent event(long id, DeviceId device, EventType type, EventDetail detail) {
        return new DeviceEvent(id, device, Instant.ofEpochMilli(1234), type, "device", DeviceState.ONLINE,
                DeviceState.ONLINE, "", detail);
    }

    private static DeviceEvent next(BlockingQueue<DeviceEvent> heard) throws InterruptedException {
        DeviceEvent event = heard.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 s").isNotNull();
        return event;
    }

    @Test
    void aDownlinkToANodeThatIsGone_failsFastWithUnavailable() {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease lease = lease(settings);
        NodeMessaging a = closeLater(new NodeMessaging(natsOf(lease), lease.worker(), new PduCodec(), Json.newMapper(),
                event -> false, new Recorder(true)));

        assertThatThrownBy(() -> a.sendTo(lease.worker() + 1, new DeviceId(5), new Messages.Ping()))
                .isInstanceOfSatisfying(RoostException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("cluster: sending to device 5 through node");
                });
    }

    @Test
    void natsDownAtStart_failsNamingTheUrl() {
        ClusterSettings nowhere = new ClusterSettings(Optional.of("nats://127.0.0.1:1"), "x", "n", Duration.ofSeconds(3),
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> NatsCluster.connect(nowhere)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cluster: cannot connect to NATS at nats://127.0.0.1:1");
    }

    private final Map<NodeLease, NatsCluster> connections = new java.util.HashMap<>();

    private NodeLease lease(ClusterSettings settings) {
        NatsCluster nats = NatsCluster.connect(settings);
        NodeLease lease = NodeLease.acquire(nats, Clock.systemUTC(), () -> { });
        closeLater(nats);
        closeLater(lease);
        connections.put(lease, nats);
        return lease;
    }

    private NatsCluster natsOf(NodeLease lease) {
        return connections.get(lease);
    }

    /** Another node's events into an event bus, as the server wires it. */
    private record BusInbound(EventBus bus) implements NodeMessaging.Inbound {
        @Override
        public boolean deliver(DeviceId device, Body body) {
            return false;
        }

        @Override
        public void replaced(DeviceId device, long epoch) {
        }

        @Override
        public boolean wants(EventHeader header) {
            return bus.wantsRemote(header);
        }

        @Override
        public void event(DeviceEvent event) {
            bus.publishRemote(event);
        }

        @Override
        public void devicesChanged(List<DeviceId> devices) {
        }
    }

    private static final class Recorder implements NodeMessaging.Inbound {
        private final boolean hasSessions;
        final List<Body> delivered = new CopyOnWriteArrayList<>();
        final List<Long> replaced = new CopyOnWriteArrayList<>();
        final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
        final List<DeviceId> changed = new CopyOnWriteArrayList<>();

        Recorder(boolean hasSessions) {
            this.hasSessions = hasSessions;
        }

        @Override
        public boolean deliver(DeviceId device, Body body) {
            if (hasSessions) {
                delivered.add(body);
            }
            return hasSessions;
        }

        @Override
        public void replaced(DeviceId device, long epoch) {
            replaced.add(epoch);
        }

        @Override
        public boolean wants(EventHeader header) {
            return true;
        }

        @Override
        public void event(DeviceEvent event) {
            events.add(event);
        }

        @Override
        public void devicesChanged(List<DeviceId> devices) {
            changed.addAll(devices);
        }
    }
}
