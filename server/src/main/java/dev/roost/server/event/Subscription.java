package dev.roost.server.event;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One watcher's view of the event stream: matching events in a bounded buffer. A watcher that
 * falls behind by more than the buffer is marked overflowed and stops receiving; its stream must
 * end with an error rather than silently skip events.
 */
public final class Subscription implements AutoCloseable {
    private final Predicate<DeviceEvent> filter;
    private final BlockingQueue<DeviceEvent> buffer;
    private final Consumer<Subscription> onClose;
    private volatile boolean overflowed;
    private volatile boolean closed;

    Subscription(Predicate<DeviceEvent> filter, int capacity, Consumer<Subscription> onClose) {
        this.filter = filter;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    void offer(DeviceEvent event) {
        if (closed || overflowed || !filter.test(event)) {
            return;
        }
        if (!buffer.offer(event)) {
            overflowed = true;
        }
    }

    /** The next event, waiting up to {@code timeout}; empty on timeout. */
    public Optional<DeviceEvent> next(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(buffer.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** True once the buffer overflowed; events already buffered can still be read. */
    public boolean overflowed() {
        return overflowed;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        onClose.accept(this);
    }
}
