package dev.roost.server.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Fans device events out inside the process: to internal listeners (synchronously, they must be
 * quick) and to watch subscriptions (each with its own bounded buffer). Persisting events is the
 * publisher's job, not the bus's.
 *
 * <p>In a cluster, events published here are also forwarded to the other nodes
 * ({@link #forwardTo}), and their events arrive through {@link #publishRemote}: listeners and
 * subscriptions see both; {@link #listenRemote} listeners see only the other nodes' events.
 *
 * <p>Every listener says which of the other nodes' events it needs ({@link EventInterest}): a
 * node decodes another node's event only when {@link #wantsRemote} says someone here needs it.
 * The interest decides nothing else: an event that is delivered reaches every listener, which
 * still ignores what it does not act on.
 */
public final class EventBus {
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Listener> remoteListeners = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile Consumer<DeviceEvent> forward = event -> { };

    private record Listener(EventInterest interest, Consumer<DeviceEvent> consumer) {
    }

    /** A listener for the events of this node and of the others; {@code interest} covers the latter. */
    public void listen(EventInterest interest, Consumer<DeviceEvent> listener) {
        listeners.add(new Listener(interest, listener));
    }

    /** A listener for the events of other nodes only (to drop what this node holds of them). */
    public void listenRemote(EventInterest interest, Consumer<DeviceEvent> listener) {
        remoteListeners.add(new Listener(interest, listener));
    }

    /**
     * Whether another node's event needs decoding here: while any watch subscription is open (its
     * filter is not judged on the header), or when a listener's interest holds for it.
     */
    public boolean wantsRemote(EventHeader header) {
        return !subscriptions.isEmpty() || interested(header, remoteListeners) || interested(header, listeners);
    }

    private static boolean interested(EventHeader header, List<Listener> listeners) {
        for (Listener listener : listeners) {
            try {
                if (listener.interest().test(header)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // Decoding an event needlessly costs less than a listener missing one.
                LOG.log(System.Logger.Level.WARNING, "event interest failed on " + header.type(), e);
                return true;
            }
        }
        return false;
    }

    /** Where events published on this node go besides this process: the other nodes of a cluster. */
    public void forwardTo(Consumer<DeviceEvent> sink) {
        this.forward = sink;
    }

    /** A subscription that buffers at most {@code capacity} matching events. */
    public Subscription subscribe(Predicate<DeviceEvent> filter, int capacity) {
        Subscription subscription = new Subscription(filter, capacity, subscriptions::remove);
        subscriptions.add(subscription);
        return subscription;
    }

    /** An event of this node. */
    public void publish(DeviceEvent event) {
        notify(event, listeners);
        offer(event);
        try {
            forward.accept(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "forwarding a " + event.type() + " event to the cluster failed: "
                    + e.getMessage());
        }
    }

    /** An event another node published. */
    public void publishRemote(DeviceEvent event) {
        notify(event, remoteListeners);
        notify(event, listeners);
        offer(event);
    }

    private static void notify(DeviceEvent event, List<Listener> listeners) {
        for (Listener listener : listeners) {
            try {
                listener.consumer().accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event.type(), e);
            }
        }
    }

    private void offer(DeviceEvent event) {
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
