package dev.roost.server.event;

import java.util.EnumSet;

/**
 * Which of the other nodes' events an {@link EventBus} listener needs, judged from the
 * {@link EventHeader} alone. An event no listener and no watch stream needs is not decoded.
 *
 * <p>An interest must hold for every event the listener acts on; it may hold for more. It can
 * read the listener's own state (a device it holds something of): it is asked on the thread that
 * receives the other nodes' events, just before they would be delivered.
 */
@FunctionalInterface
public interface EventInterest {
    /** For listeners that act on every event (tests, tools). */
    EventInterest ALL = header -> true;

    boolean test(EventHeader header);

    static EventInterest types(EventType first, EventType... more) {
        EnumSet<EventType> types = EnumSet.of(first, more);
        return header -> types.contains(header.type());
    }

    static EventInterest allTypesBut(EventType first, EventType... more) {
        EnumSet<EventType> types = EnumSet.complementOf(EnumSet.of(first, more));
        return header -> types.contains(header.type());
    }
}
