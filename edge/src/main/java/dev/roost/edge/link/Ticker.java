package dev.roost.edge.link;

import io.netty.channel.EventLoop;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One repeating timer per event loop that ticks every device pinned to that loop: heartbeats,
 * dead-link checks and status intervals of thousands of devices share a few timers instead of
 * holding one each. Its {@link #clock()} is the time of the devices it ticks: each tick carries
 * that clock's millis, and the link stamps what it sends and receives with the same clock.
 */
public final class Ticker {
    private final Duration period;
    private final Clock clock;
    private final Map<EventLoop, List<LongConsumer>> byLoop = new ConcurrentHashMap<>();

    public Ticker(Duration period) {
        this(period, Clock.systemUTC());
    }

    /** @param clock the time the ticks carry (a test's clock that moves only when told) */
    public Ticker(Duration period, Clock clock) {
        this.period = period;
        this.clock = clock;
    }

    public Duration period() {
        return period;
    }

    public Clock clock() {
        return clock;
    }

    /** Ticks {@code target} on {@code loop} from now on, with the clock's epoch millis. */
    public void register(EventLoop loop, LongConsumer target) {
        loop.execute(() -> byLoop.computeIfAbsent(loop, this::start).add(target));
    }

    public void unregister(EventLoop loop, LongConsumer target) {
        loop.execute(() -> {
            List<LongConsumer> targets = byLoop.get(loop);
            if (targets != null) {
                targets.remove(target);
            }
        });
    }

    private List<LongConsumer> start(EventLoop loop) {
        List<LongConsumer> targets = new ArrayList<>();
        loop.scheduleAtFixedRate(() -> {
            long now = clock.millis();
            for (int i = 0; i < targets.size(); i++) {
                try {
                    targets.get(i).accept(now);
                } catch (RuntimeException e) {
                    // One device's bug must not stop the timer of every other device on this loop.
                    System.getLogger(Ticker.class.getName()).log(System.Logger.Level.WARNING, "tick failed", e);
                }
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return targets;
    }
}
