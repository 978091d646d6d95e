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
import dev.roost.server.event.EventType;
import dev.roost.server.support.Await;
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
import java.util.concurrent.CopyOnWriteArrayList;

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
        NodeMessaging a = closeLater(new NodeMessaging(natsOf(leaseA), leaseA.worker(), new PduCodec(), Json.newMapper(), atA));
        NodeMessaging b = closeLater(new NodeMessaging(natsOf(leaseB), leaseB.worker(), new PduCodec(), Json.newMapper(), atB));

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
    }

    @Test
    void aDownlinkToANodeThatIsGone_failsFastWithUnavailable() {
        ClusterSettings settings = Nats.cluster("a", Duration.ofSeconds(3));
        NodeLease lease = lease(settings);
        NodeMessaging a = closeLater(new NodeMessaging(natsOf(lease), lease.worker(), new PduCodec(), Json.newMapper(),
                new Recorder(true)));

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

    private static final class Recorder implements NodeMessaging.Inbound {
        private final boolean hasSessions;
        final List<Body> delivered = new CopyOnWriteArrayList<>();
        final List<Long> replaced = new CopyOnWriteArrayList<>();
        final List<DeviceEvent> events = new CopyOnWriteArrayList<>();

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
        public void event(DeviceEvent event) {
            events.add(event);
        }
    }
}
