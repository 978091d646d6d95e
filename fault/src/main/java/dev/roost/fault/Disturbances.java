package dev.roost.fault;

import java.util.HashMap;
import java.util.Map;

/**
 * Which devices lost a session or got a heartbeat answer late after a point in time: for faults that
 * should not touch live sessions at all (a database outage, hostile clients).
 */
final class Disturbances {
    private final FaultFleet fleet;
    private final Map<String, int[]> baseline = new HashMap<>();

    private Disturbances(FaultFleet fleet) {
        this.fleet = fleet;
        for (FaultDevice device : fleet.devices()) {
            baseline.put(device.id(), new int[] {device.sessionsLost(), device.slowPongs()});
        }
    }

    static Disturbances from(FaultFleet fleet) {
        return new Disturbances(fleet);
    }

    /** Devices that lost a session, answered a ping late, or are not live now. */
    long count() {
        return fleet.devices().stream().filter(this::disturbed).count();
    }

    String describe() {
        long lost = fleet.devices().stream()
                .filter(d -> d.sessionsLost() > baseline.get(d.id())[0]).count();
        long slow = fleet.devices().stream()
                .filter(d -> d.slowPongs() > baseline.get(d.id())[1]).count();
        return "devices_lost_session=" + lost + " devices_slow_pong=" + slow + " devices_not_live="
                + fleet.devices().stream().filter(d -> !d.isLive()).count();
    }

    private boolean disturbed(FaultDevice device) {
        int[] before = baseline.get(device.id());
        return !device.isLive() || device.sessionsLost() > before[0] || device.slowPongs() > before[1];
    }
}
