package dev.roost.server.event;

import dev.roost.server.device.DeviceEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Fans device events out inside the process: to internal listeners (synchronously, they must be
 * quick) and to watch subscriptions (each with its own bounded buffer). Persisting events is the
 * publisher's job, not the bus's.
 */
public final class EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final List<Consumer<DeviceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    public void listen(Consumer<DeviceEvent> listener) {
        listeners.add(listener);
    }

    /** A subscription that buffers at most {@code capacity} matching events. */
    public Subscription subscribe(Predicate<DeviceEvent> filter, int capacity) {
        Subscription subscription = new Subscription(filter, capacity, subscriptions::remove);
        subscriptions.add(subscription);
        return subscription;
    }

    public void publish(DeviceEvent event) {
        for (Consumer<DeviceEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event.type(), e);
            }
        }
        for (Subscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    /** Ends every subscription (server shutdown); their streams finish. */
    public void closeSubscriptions() {
        subscriptions.forEach(Subscription::close);
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }
}
