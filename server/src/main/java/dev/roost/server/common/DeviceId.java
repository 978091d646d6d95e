package dev.roost.server.common;

/** A device's Snowflake id. */
public record DeviceId(long value) implements Comparable<DeviceId> {
    public static DeviceId parse(String field, String text) {
        return new DeviceId(Ids.parse(field, text));
    }

    @Override
    public int compareTo(DeviceId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
