package dev.roost.server.cluster;

import dev.roost.server.common.DeviceId;
import dev.roost.server.common.DeviceState;
import dev.roost.server.common.Snowflake;
import dev.roost.server.device.DeviceStore;
import dev.roost.server.event.DeviceEvent;
import dev.roost.server.event.EventDetail.ConnectionDetail;
import dev.roost.server.event.EventType;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Marks OFFLINE the devices stored as ONLINE whose session was on a node that died without
 * closing it (kill -9, power loss): no node would record their disconnect otherwise. One node
 * sweeps, the live node with the lowest worker id. A device is taken offline when it is stored
 * ONLINE and no live node holds its session in two sweeps in a row, one lease TTL apart: a login
 * still on its way into the directory is never mistaken for an orphan.
 */
public final class OrphanSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());
    private static final int PAGE = 1000;

    private final ClusterNode node;
    private final DeviceStore devices;
    private final Consumer<DeviceEvent> recorder;
    private final Snowflake ids;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("roost-cluster-orphans").daemon().factory());
    private Set<Long> suspects = new HashSet<>();

    public OrphanSweeper(ClusterNode node, DeviceStore devices, Consumer<DeviceEvent> recorder, Snowflake ids,
                         Clock clock) {
        this.node = node;
        this.devices = devices;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        long every = node.settings().leaseTtl().toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** One sweep; returns how many devices it took offline. */
    int sweep() {
        if (node.nodes().getFirst().worker() != node.worker()) {
            suspects.clear();
            return 0;
        }
        Set<Long> stillAway = new HashSet<>();
        int offline = 0;
        long after = 0;
        List<DeviceId> page;
        do {
            page = devices.onlineDevices(after, PAGE);
            for (DeviceId device : page) {
                after = device.value();
                if (node.isOnline(device)) {
                    continue;
                }
                if (suspects.contains(device.value())) {
                    recorder.accept(new DeviceEvent(ids.nextId(), device, clock.instant(), EventType.DISCONNECTED,
                            "system", DeviceState.ONLINE, DeviceState.OFFLINE, "node lost",
                            ConnectionDetail.ofSource("cluster")));
                    offline++;
                } else {
                    stillAway.add(device.value());
                }
            }
        } while (page.size() == PAGE);
        suspects = stillAway;
        if (offline > 0) {
            LOG.log(System.Logger.Level.INFO, "cluster: {0} devices whose node was lost are now OFFLINE",
                    String.valueOf(offline));
        }
        return offline;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cluster: the sweep for devices of lost nodes failed: {0}",
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

}
