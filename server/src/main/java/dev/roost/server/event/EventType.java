package dev.roost.server.event;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Optional;

/** What a device event records; each type has one kind of {@link EventDetail}. */
public enum EventType {
    /** A registry change: registered, disabled, enabled, decommissioned. */
    LIFECYCLE("lifecycle"),
    CONNECTED("connected"),
    DISCONNECTED("disconnected"),
    /** An accepted status report: published for live watchers only; the status history keeps reports. */
    STATUS("status"),
    /** A command's transition. */
    COMMAND("command");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The stable lower-case name the APIs, the database and the cluster use. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** A connect or a disconnect: the events that set a device's presence. */
    public boolean isPresence() {
        return this == CONNECTED || this == DISCONNECTED;
    }

    public static Optional<EventType> fromWire(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
