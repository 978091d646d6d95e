package dev.roost.server.common;

/** A group's Snowflake id. */
public record GroupId(long value) {
    public static GroupId parse(String field, String text) {
        return new GroupId(Ids.parse(field, text));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
