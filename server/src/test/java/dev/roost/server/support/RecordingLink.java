package dev.roost.server.support;

import dev.roost.protocol.Body;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device link without sockets: the devices marked online take every message, recorded in order. */
public final class RecordingLink implements DeviceLink {
    /** One downlink message as sent. */
    public record Sent(DeviceId device, Body body) {
    }

    private final Set<Long> online = ConcurrentHashMap.newKeySet();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    public void online(DeviceId device) {
        online.add(device.value());
    }

    public void offline(DeviceId device) {
        online.remove(device.value());
    }

    @Override
    public boolean isOnline(DeviceId device) {
        return online.contains(device.value());
    }

    @Override
    public boolean send(DeviceId device, Body body) {
        if (!isOnline(device)) {
            return false;
        }
        sent.add(new Sent(device, body));
        return true;
    }

    /** What was sent, oldest first, and forgets it. */
    public List<Sent> take() {
        List<Sent> taken = List.copyOf(sent);
        sent.removeAll(taken);
        return taken;
    }
}
