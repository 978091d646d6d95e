package dev.roost.edge.support;

import dev.roost.edge.link.LinkMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts link events so that tests can await them. */
public final class CountingMetrics implements LinkMetrics {
    public final AtomicInteger connects = new AtomicInteger();
    public final AtomicInteger disconnects = new AtomicInteger();
    public final AtomicInteger failedAttempts = new AtomicInteger();
    public final AtomicInteger pongs = new AtomicInteger();
    public final AtomicInteger statusAcks = new AtomicInteger();
    public final java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void connected(boolean reconnect) {
        connects.incrementAndGet();
    }

    @Override
    public void attemptFailed(String why) {
        failedAttempts.incrementAndGet();
        failures.add(why);
    }

    @Override
    public void disconnected(int code, String reason) {
        disconnects.incrementAndGet();
    }

    @Override
    public void pingRoundTrip(long nanos) {
        pongs.incrementAndGet();
    }

    @Override
    public void statusRoundTrip(long nanos) {
        statusAcks.incrementAndGet();
    }
}
