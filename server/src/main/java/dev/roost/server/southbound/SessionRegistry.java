package dev.roost.server.southbound;

import dev.roost.protocol.Body;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Every open device connection, and the live (authenticated) one of each device. A device has at
 * most one live session: binding a new one returns the one it replaces.
 */
public final class SessionRegistry implements DeviceLink {
    private final Set<DeviceSession> open = ConcurrentHashMap.newKeySet();
    /** Keyed by the session's own DeviceId: no key object of its own per session. */
    private final ConcurrentMap<DeviceId, DeviceSession> live = new ConcurrentHashMap<>();
    private final LongSupplier epochs;

    /**
     * @param epochs numbers for new sessions, unique across every node of a cluster and every
     *               restart (the server uses Snowflake ids)
     */
    public SessionRegistry(LongSupplier epochs) {
        this.epochs = epochs;
    }

    long nextEpoch() {
        return epochs.getAsLong();
    }

    void opened(DeviceSession session) {
        open.add(session);
    }

    /** Makes {@code session} the device's live session; returns the one it replaced. */
    Optional<DeviceSession> bind(DeviceSession session) {
        return Optional.ofNullable(live.put(session.deviceId(), session));
    }

    /**
     * Forgets a closed session.
     *
     * @return true when it was its device's live session (so the device is now offline)
     */
    boolean closed(DeviceSession session) {
        open.remove(session);
        return session.isAuthenticated() && live.remove(session.deviceId(), session);
    }

    Collection<DeviceSession> openSessions() {
        return open;
    }

    Optional<DeviceSession> liveSession(DeviceId device) {
        return Optional.ofNullable(live.get(device));
    }

    /** The live sessions' epochs, by device (for a cluster to restore its presence entries). */
    public Map<DeviceId, Long> liveEpochs() {
        Map<DeviceId, Long> epochsByDevice = new HashMap<>();
        live.forEach((device, session) -> epochsByDevice.put(device, session.epoch()));
        return epochsByDevice;
    }

    public int liveCount() {
        return live.size();
    }

    public int openCount() {
        return open.size();
    }

    @Override
    public boolean isOnline(DeviceId device) {
        return live.containsKey(device);
    }

    @Override
    public boolean send(DeviceId device, Body body) {
        DeviceSession session = live.get(device);
        return session != null && session.send(body);
    }
}
