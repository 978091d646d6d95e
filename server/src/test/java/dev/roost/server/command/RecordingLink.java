package dev.roost.server.command;

import dev.roost.protocol.Body;
import dev.roost.server.common.DeviceId;
import dev.roost.server.device.DeviceLink;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A device link in memory: devices are online when the test says so, every message sent to an
 * online device is recorded, and a test can make sends fail (the session dropped) or hold the
 * next caller inside {@link #checkReachable} to keep a send in progress for as long as it needs.
 */
final class RecordingLink implements DeviceLink {
    record Sent(DeviceId device, Body body) {
    }

    private final Set<DeviceId> online = ConcurrentHashMap.newKeySet();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;
    private volatile CountDownLatch held;
    private volatile CountDownLatch release;

    void online(DeviceId device) {
        online.add(device);
    }

    void offline(DeviceId device) {
        online.remove(device);
    }

    /** While set, every send finds no live session: it returns false and nothing is recorded. */
    void refuseSends(boolean refuse) {
        this.refusing = refuse;
    }

    /** The next caller of {@link #checkReachable} stops there until {@link #release()}. */
    void holdNextCheck() {
        held = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    void awaitHeld() throws InterruptedException {
        if (!held.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no caller reached the link within 10 s");
        }
    }

    void release() {
        release.countDown();
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** The bodies of the given type sent so far, in order. */
    <T extends Body> List<T> sent(Class<T> type) {
        return sent.stream().map(Sent::body).filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public boolean isOnline(DeviceId device) {
        return online.contains(device);
    }

    @Override
    public boolean send(DeviceId device, Body body) {
        if (refusing || !online.contains(device)) {
            return false;
        }
        sent.add(new Sent(device, body));
        return true;
    }

    @Override
    public void checkReachable(DeviceId device) {
        CountDownLatch stop = release;
        CountDownLatch arrived = held;
        if (arrived == null || arrived.getCount() == 0) {
            return;
        }
        arrived.countDown();
        try {
            if (!stop.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("held send was not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
